/*
 * The Kiln runtime stub: the little that generated code needs on a target without a C
 * library. Hosted targets (Linux) take these functions from libc instead, so each is a
 * weak definition that a libc's strong one overrides at link time.
 *
 * No libc, no libm, no malloc: this file includes only the ABI header.
 */
#include "kiln/runtime.h"

#if defined(__GNUC__) || defined(__clang__)
#define KILN_WEAK __attribute__((weak))
#else
#define KILN_WEAK
#endif

/* Compilers turn a byte loop back into a call of the very function it implements; the
 * volatile pointers keep these loops loops. */
KILN_WEAK void *memcpy(void *dst, const void *src, size_t n) {
  unsigned char *volatile d = (unsigned char *)dst;
  const unsigned char *volatile s = (const unsigned char *)src;
  for (size_t i = 0; i < n; ++i)
    d[i] = s[i];
  return dst;
}

KILN_WEAK void *memset(void *dst, int value, size_t n) {
  unsigned char *volatile d = (unsigned char *)dst;
  for (size_t i = 0; i < n; ++i)
    d[i] = (unsigned char)value;
  return dst;
}
