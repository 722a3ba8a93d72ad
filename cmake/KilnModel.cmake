# kiln_add_model(<name> MODEL <file.pt2|file.pte>
#                [TARGET <kiln target>] [OPTIONS <kilnc option>...] [SHAPES <input=DxD...>...])
#
# Compiles MODEL with kilnc into <name>.o and <name>.h and makes a static library
# target <name> of the object. Linking <name> gives the include directory holding
# <name>.h and, on a freestanding target, the runtime stub built for it.
#
#   MODEL    the exported program; relative paths are relative to the current source
#            directory.
#   TARGET   a name of `kilnc --print-targets` (KILN_TARGETS). Default: the variable
#            KILN_TARGET, else x86_64 when not cross-compiling; a cross build must say.
#   OPTIONS  further kilnc options, passed as given: -Os, --cpu=..., --mem-bank=...,
#            --io-in-arena, --report=FILE.json ... (not -o, --name, --target, -MD: the
#            function sets those).
#   SHAPES   static shapes for inputs with dynamic dimensions (kilnc --shape=...).
#
# kilnc writes a depfile (-MD) listing every file it read; CMake hands it to the build
# tool (DEPFILE), so a changed model, data or calibration file, or a new kilnc, rebuilds
# the model and nothing else. Outputs go to ${CMAKE_CURRENT_BINARY_DIR}/kiln/<name>/.
# Documented in Kiln's docs/cmake.md.

# The policies the function runs with: CMP0116, Ninja rewrites depfile paths relative to
# the build directory.
cmake_policy(PUSH)
cmake_policy(VERSION 3.20...3.28)

function(kiln_add_model name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "" "MODEL;TARGET" "OPTIONS;SHAPES")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "kiln_add_model(${name}): unknown arguments: ${ARG_UNPARSED_ARGUMENTS} "
                        "(expected MODEL, TARGET, OPTIONS, SHAPES)")
  endif()
  if(NOT name MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "kiln_add_model(${name}): the name must be a C identifier: it names "
                        "the model's symbols (${name}_run) and its header (${name}.h)")
  endif()
  if(NOT ARG_MODEL)
    message(FATAL_ERROR "kiln_add_model(${name}): MODEL <file.pt2> is required")
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${model}")
    message(FATAL_ERROR "kiln_add_model(${name}): MODEL '${model}' does not exist")
  endif()
  set(target "${ARG_TARGET}")
  if(NOT target)
    if(KILN_TARGET)
      set(target "${KILN_TARGET}")
    elseif(NOT CMAKE_CROSSCOMPILING)
      set(target x86_64)
    else()
      message(FATAL_ERROR "kiln_add_model(${name}): a cross build must name the Kiln target: "
                          "TARGET <name> or -DKILN_TARGET=<name> (one of ${KILN_TARGETS})")
    endif()
  endif()
  if(NOT target IN_LIST KILN_TARGETS)
    string(REPLACE ";" ", " known "${KILN_TARGETS}")
    message(FATAL_ERROR "kiln_add_model(${name}): unknown TARGET '${target}' (one of ${known})")
  endif()
  foreach(option IN LISTS ARG_OPTIONS)
    if(option MATCHES "^(-o|--name|--target|-MD|-MF|-MT|--emit)(=|$)")
      message(FATAL_ERROR "kiln_add_model(${name}): OPTIONS may not contain ${option}: "
                          "kiln_add_model sets it")
    endif()
  endforeach()
  set(shape_options)
  foreach(shape IN LISTS ARG_SHAPES)
    list(APPEND shape_options "--shape=${shape}")
  endforeach()

  set(dir "${CMAKE_CURRENT_BINARY_DIR}/kiln/${name}")
  set(object "${dir}/${name}.o")
  set(header "${dir}/${name}.h")
  set(depfile "${dir}/${name}.d")
  file(MAKE_DIRECTORY "${dir}")
  add_custom_command(
    OUTPUT "${object}" "${header}"
    COMMAND Kiln::kilnc "${model}" --target=${target} --name=${name} -o "${object}"
            -MD -MF "${depfile}" ${shape_options} ${ARG_OPTIONS}
    # kilnc itself and any file the compile reads besides MODEL come from the depfile.
    DEPENDS "${model}"
    DEPFILE "${depfile}"
    COMMENT "Compiling model ${name} for ${target} with kilnc"
    VERBATIM COMMAND_EXPAND_LISTS)
  set_source_files_properties("${object}" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_library(${name} STATIC "${object}" "${header}")
  set_target_properties(${name} PROPERTIES LINKER_LANGUAGE C)
  target_include_directories(${name} PUBLIC "${dir}")
  # Hosted (Linux) programs take memcpy/memset from the C library: the stub's weak
  # definitions would otherwise be pulled into the program ahead of libc's.
  if(target IN_LIST KILN_HOSTED_TARGETS)
    target_link_libraries(${name} PUBLIC Kiln::runtime_headers)
  else()
    target_link_libraries(${name} PUBLIC Kiln::runtime_${target})
  endif()
endfunction()

cmake_policy(POP)
