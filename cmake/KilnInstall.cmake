# What `cmake --install` lays out, and cpack's Debian package of it. Every path in the
# prefix is relative to it (the tools find nothing through it, KilnConfig.cmake finds
# the prefix from its own location), so an installed prefix can be moved.
#
#   bin/                          kilnc, kiln-run, kiln-opt
#   include/kiln/runtime.h        the ABI header every generated header includes
#   lib/kiln/<target>/libkiln_runtime.a   the runtime stub, per target
#   lib/cmake/Kiln/               KilnConfig.cmake, KilnConfigVersion.cmake,
#                                 KilnModel.cmake (kiln_add_model)
#   share/kiln/runtime/           the stub's source, for a build of one's own
#   share/kiln/examples/          the desktop and firmware examples
#   share/doc/kiln/               README and docs/
include(GNUInstallDirs)
# Debian's name for the documentation directory: the package's, lower case.
set(KILN_INSTALL_DOCDIR ${CMAKE_INSTALL_DATADIR}/doc/kiln)
include(CMakePackageConfigHelpers)

# The tools link libLLVM and libMLIR of the system's LLVM 22 (Debian's libllvm22,
# libmlir-22), not anything inside the prefix.
set_target_properties(kilnc kiln-run kiln-opt PROPERTIES INSTALL_RPATH "${LLVM_LIBRARY_DIR}")
install(TARGETS kilnc kiln-run kiln-opt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/runtime_stub/include/kiln/runtime.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/kiln)
foreach(t ${KILN_TARGETS})
  install(FILES ${PROJECT_BINARY_DIR}/lib/kiln/${t}/libkiln_runtime.a
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/kiln/${t})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/runtime_stub/kiln_runtime.c
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kiln/runtime)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/desktop ${PROJECT_SOURCE_DIR}/examples/firmware
        DESTINATION ${CMAKE_INSTALL_DATADIR}/kiln/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${KILN_INSTALL_DOCDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${KILN_INSTALL_DOCDIR}
        FILES_MATCHING PATTERN "*.md" PATTERN tools EXCLUDE)

# The CMake package, ARCH_INDEPENDENT: a cross build for a 32-bit board uses it too (the
# tools run on the build machine, the stubs are per target). The target list and which
# targets are hosted come from the target table (targets/targets.ini).
set(KILN_HOSTED_TARGETS)
foreach(t ${KILN_TARGETS})
  if(KILN_TARGET_${t}_hosted STREQUAL "yes")
    list(APPEND KILN_HOSTED_TARGETS ${t})
  endif()
endforeach()
set(_cmake_dir ${CMAKE_INSTALL_LIBDIR}/cmake/Kiln)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/KilnConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/package/KilnConfig.cmake
                              INSTALL_DESTINATION ${_cmake_dir})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/package/KilnConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion
                                 ARCH_INDEPENDENT)
install(FILES ${PROJECT_BINARY_DIR}/package/KilnConfig.cmake
              ${PROJECT_BINARY_DIR}/package/KilnConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/KilnModel.cmake
        DESTINATION ${_cmake_dir})

# cpack -G DEB: kiln_<version>_<arch>.deb, installing under /usr.
set(CPACK_PACKAGE_NAME kiln)
set(CPACK_PACKAGE_VENDOR "Kiln")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "Ahead-of-time compiler from PyTorch exported programs to native code for edge devices")
set(CPACK_PACKAGE_CONTACT "Kiln developers <kiln-dev@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
# What the installed tools load (ldd: libLLVM, libMLIR, libzip, the C++ runtime) and
# run (ld.lld for --emit=shared).
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libllvm22, libmlir-22, lld-22, libzip4, libstdc++6, libgcc-s1, libc6")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "cmake, clang-22")
set(CPACK_GENERATOR DEB)
include(CPack)
