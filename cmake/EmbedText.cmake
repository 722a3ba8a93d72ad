# cmake -DINPUT=<file> -DOUTPUT=<file.inc> -P EmbedText.cmake
# Writes the text of INPUT as a C++ string literal (a sequence of raw-string
# pieces, each well under every compiler's literal length limit).
file(READ "${INPUT}" content)
string(LENGTH "${content}" length)
set(out "")
set(pos 0)
while(pos LESS length)
  string(SUBSTRING "${content}" ${pos} 8000 piece)
  string(APPEND out "R\"KILN_EMBED(${piece})KILN_EMBED\"\n")
  math(EXPR pos "${pos} + 8000")
endwhile()
if(out STREQUAL "")
  set(out "\"\"\n")
endif()
file(WRITE "${OUTPUT}.tmp" "${out}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
