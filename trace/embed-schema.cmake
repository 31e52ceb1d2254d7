# embed-schema.cmake: turn schema.sql into schema_sql.h: the text (a char
# array) and the names of the tables it creates, which every trace must
# have (trace.c checks them as it opens one).
file(READ ${IN} text)
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX MATCHALL "CREATE TABLE [a-z_]+" creates "${text}")
set(names "")
foreach(create ${creates})
  string(REPLACE "CREATE TABLE " "" name "${create}")
  string(APPEND names "\"${name}\", ")
endforeach()
file(WRITE ${OUT} "/* generated from schema.sql: do not edit */\n"
  "static const char deja_schema_sql[] = {${bytes} 0x00};\n"
  "static const char *const deja_schema_tables[] = { ${names}};\n")
