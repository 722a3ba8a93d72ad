// Catch2 v2's main(); the test cases live in the *Test.cpp files.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
