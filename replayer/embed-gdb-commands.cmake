# embed-gdb-commands.cmake: turn gdb_commands.py into gdb_commands_py.h, the
# text as a char array that replayer/debug_stop.c writes into gdb's
# commands, so the Python gdb runs lives in a Python file of its own.
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "/* generated from gdb_commands.py: do not edit */\n"
  "static const char deja_gdb_commands_py[] = {${bytes} 0x00};\n")
