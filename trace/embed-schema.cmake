# embed-schema.cmake: turn schema.sql into schema_sql.h (a char array).
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* generated from schema.sql: do not edit */\n"
  "static const char deja_schema_sql[] = {${bytes} 0x00};\n")
