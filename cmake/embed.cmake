# Write OUTPUT, a C file that holds every file under ROOT/DIR whose name matches one of
# PATTERNS (comma-separated globs; default: every file) as NAME_files[] and NAME_nfiles, declared in HEADER (see
# src/embedded.h). Each file's path is kept relative to ROOT ("themes/default/...",
# "schemas/crossref/..."). Run by the build whenever one of the files changes, so that the
# binary always holds what it was built with: themes/default for `journal init`, the Crossref
# schemas for `journal deposit`.
if(NOT PATTERNS)
  set(PATTERNS "*")
endif()
string(REPLACE "," ";" PATTERNS "${PATTERNS}")
set(globs "")
foreach(p IN LISTS PATTERNS)
  list(APPEND globs "${ROOT}/${DIR}/${p}")
endforeach()
file(GLOB_RECURSE files RELATIVE "${ROOT}" ${globs})
list(SORT files)
set(body "#include \"${HEADER}\"\n\n")
set(table "")
set(i 0)
foreach(f IN LISTS files)
  file(READ "${ROOT}/${f}" hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR size "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
  string(APPEND body "static const unsigned char file${i}[] = {\n${bytes}0};\n")
  string(APPEND table "    {\"${f}\", file${i}, ${size}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "\nconst struct embedded_file ${NAME}_files[] = {\n${table}    {0, 0, 0}};\n")
string(APPEND body "const size_t ${NAME}_nfiles = ${i};\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
