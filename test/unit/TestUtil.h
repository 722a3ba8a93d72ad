// Helpers shared by the unit tests.
#ifndef KILN_TEST_UNIT_TESTUTIL_H
#define KILN_TEST_UNIT_TESTUTIL_H

#include "llvm/Support/Error.h"

#include <catch2/catch.hpp>

/// Requires an llvm::Expected to hold a value; fails with its error otherwise.
#define REQUIRE_EXPECTED(x)                                                                  \
  do {                                                                                       \
    if (!(x))                                                                                \
      FAIL(llvm::toString((x).takeError()));                                                 \
  } while (0)

#endif // KILN_TEST_UNIT_TESTUTIL_H
