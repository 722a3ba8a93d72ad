# CMake toolchain file: bare-metal Cortex-M7 with the double-precision FPU (MPS2 AN500),
# compiled by clang 22 and linked by ld.lld with no C library.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

find_program(_clang NAMES clang-22 clang PATHS /usr/lib/llvm-22/bin REQUIRED)
find_program(_ar NAMES llvm-ar-22 llvm-ar PATHS /usr/lib/llvm-22/bin REQUIRED)
find_program(_ranlib NAMES llvm-ranlib-22 llvm-ranlib PATHS /usr/lib/llvm-22/bin REQUIRED)
set(CMAKE_C_COMPILER ${_clang})
set(CMAKE_C_COMPILER_TARGET thumbv7em-none-eabihf)
set(CMAKE_AR ${_ar} CACHE FILEPATH "")
set(CMAKE_RANLIB ${_ranlib} CACHE FILEPATH "")
set(CMAKE_C_FLAGS_INIT
    "-mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard -ffreestanding -ffunction-sections -fdata-sections")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-fuse-ld=lld -nostdlib -Wl,--gc-sections")
# No C library to link a test program against.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# Programs (kilnc) come from the build machine; libraries and headers from the target.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)

# The Kiln target kiln_add_model() compiles for when it is given no TARGET.
set(KILN_TARGET cortex-m7)
