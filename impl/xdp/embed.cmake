# Writes the eBPF object IN as a C++ source OUT defining NAME[] and NAME_size, so that the loader needs no file at run time.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" n)
math(EXPR size "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "// Generated from ${IN} by impl/xdp/embed.cmake.\nextern const unsigned char ${NAME}[];\nextern const unsigned long ${NAME}_size;\nalignas(8) const unsigned char ${NAME}[] = {${bytes}};\nconst unsigned long ${NAME}_size = ${size};\n")
