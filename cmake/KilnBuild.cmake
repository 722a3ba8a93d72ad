# Helpers for Kiln's own targets.
#
# Everything links libMLIR.so and libLLVM.so (the `MLIR` and `LLVM` targets of
# Debian's packages) rather than MLIR's static libraries: a static MLIR library
# next to libMLIR.so registers its command-line options twice and aborts at
# start-up, and the shared libraries link much faster on 2 cores.

# kiln_add_library(<name> SOURCES <src>... [DEPENDS <tablegen targets>...]
#                  [LINK <kiln libraries>...])
function(kiln_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPENDS;LINK" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  if(ARG_DEPENDS)
    add_dependencies(${name} ${ARG_DEPENDS})
  endif()
  target_link_libraries(${name} PUBLIC ${ARG_LINK} MLIR LLVM)
  llvm_update_compile_flags(${name})
endfunction()

# kiln_add_tool(<name> SOURCES <src>... [LINK <kiln libraries>...])
function(kiln_add_tool name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LINK" ${ARGN})
  add_llvm_executable(${name} ${ARG_SOURCES} PARTIAL_SOURCES_INTENDED)
  llvm_update_compile_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LINK} MLIR LLVM)
endfunction()
