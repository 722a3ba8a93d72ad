/*
 * The Kiln runtime stub: the little that generated code needs on a target without a C
 * library. Hosted targets (Linux) take these functions from libc and libgcc instead, so
 * each is a weak definition that a library's strong one overrides at link time.
 *
 * What generated code may call, per target (LLVM's lowering of memory intrinsics, 64-bit
 * integer arithmetic on 32-bit targets, and square root on Hexagon):
 *   every target     memcpy, memset
 *   armv7, Cortex-M  __aeabi_memcpy{,4,8}, __aeabi_memset{,4,8}, __aeabi_memclr{,4,8},
 *                    __aeabi_ldivmod, __aeabi_uldivmod, __aeabi_f2lz, __aeabi_f2ulz,
 *                    __aeabi_l2f, __aeabi_ul2f
 *   hexagon          __hexagon_memcpy_likely_aligned_min32bytes_mult8bytes,
 *                    __hexagon_{,u}div{s,d}i3, __hexagon_{,u}mod{s,d}i3, __hexagon_sqrtf
 *   riscv64, hexagon __extendhfsf2, __truncsfhf2 (float16; also x86-64 without F16C)
 * Rounding (floor, ceil, trunc) never becomes a call: the compiler expands it where the
 * target has no instruction. `test/qemu/check_stub_symbols.sh` checks that every symbol
 * any zoo model's object needs is defined here.
 *
 * No libc, no libm, no malloc: this file includes only the ABI header. Everything is
 * written with operations the target has as instructions (shifts, adds, compares), since
 * a division or conversion here would call the very helper being defined.
 */
#include "kiln/runtime.h"

/* With KILN_RUNTIME_TEST (test/unit/RuntimeStubTest.cpp), every helper written in C is
 * compiled for the host under a kiln_test_ name, to be compared with the host's own
 * arithmetic; the assembly entry points and aliases are left out. */
#ifdef KILN_RUNTIME_TEST
#define KILN_NAME(name) kiln_test_##name
#define KILN_HOST_TEST 1
#else
#define KILN_NAME(name) name
#define KILN_HOST_TEST 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#define KILN_WEAK __attribute__((weak))
#define KILN_ALIAS(target) __attribute__((weak, alias(#target)))
#else
#define KILN_WEAK
#endif

/* Compilers may turn a copy loop back into a call of the very function it implements:
 * clang does not under -ffreestanding -fno-builtin (how this file is built); GCC needs its
 * loop-distribution pattern matching off. */
#if defined(__GNUC__) && !defined(__clang__)
#define KILN_NO_IDIOM __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define KILN_NO_IDIOM
#endif

typedef uint32_t __attribute__((may_alias)) kiln_word_t;

/* A float's bits. */
typedef union {
  float f;
  uint32_t u;
} kiln_f32_bits_t;

/* Word by word when both pointers and the size are word-aligned (what generated code
 * mostly copies), otherwise byte by byte. */
KILN_WEAK KILN_NO_IDIOM void *KILN_NAME(memcpy)(void *dst, const void *src, size_t n) {
  if ((((uintptr_t)dst | (uintptr_t)src | n) & 3) == 0) {
    kiln_word_t *d = (kiln_word_t *)dst;
    const kiln_word_t *s = (const kiln_word_t *)src;
    for (size_t i = 0; i < n / 4; ++i)
      d[i] = s[i];
    return dst;
  }
  unsigned char *d = (unsigned char *)dst;
  const unsigned char *s = (const unsigned char *)src;
  for (size_t i = 0; i < n; ++i)
    d[i] = s[i];
  return dst;
}

KILN_WEAK KILN_NO_IDIOM void *KILN_NAME(memset)(void *dst, int value, size_t n) {
  unsigned char *d = (unsigned char *)dst;
  for (size_t i = 0; i < n; ++i)
    d[i] = (unsigned char)value;
  return dst;
}

#if defined(__riscv) || defined(__hexagon__) || defined(__x86_64__) || KILN_HOST_TEST
/* float16 <-> float32 where the CPU has no conversion instructions (RV64GC, Hexagon v67,
 * x86-64 before F16C). LLVM passes and returns the half's 16 bits in the low bits of a
 * float register (of r0 on Hexagon), which is how a float parameter travels: these take
 * and return `float` and look at its bits. */
KILN_WEAK float KILN_NAME(__extendhfsf2)(float half) {
  kiln_f32_bits_t v = {half};
  uint32_t h = v.u & 0xffff;
  uint32_t sign = (h & 0x8000u) << 16, exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  if (exponent == 0x1f) { /* infinity, NaN */
    v.u = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent == 0) {
    if (mantissa == 0) {
      v.u = sign;
    } else { /* subnormal: mantissa * 2^-24, normalized */
      exponent = 113;
      while (!(mantissa & 0x400)) {
        mantissa <<= 1;
        --exponent;
      }
      v.u = sign | (exponent << 23) | ((mantissa & 0x3ff) << 13);
    }
  } else {
    v.u = sign | ((exponent + 112) << 23) | (mantissa << 13);
  }
  return v.f;
}

/* Rounds to nearest, ties to even; NaN stays NaN (quiet). */
KILN_WEAK float KILN_NAME(__truncsfhf2)(float x) {
  kiln_f32_bits_t v = {x};
  uint32_t sign = (v.u >> 16) & 0x8000u, a = v.u & 0x7fffffffu, h;
  if (a > 0x7f800000u) {
    h = 0x7e00u | ((a >> 13) & 0x3ff);
  } else if (a >= 0x477ff000u) { /* >= 65520 (and infinity): infinity */
    h = 0x7c00u;
  } else if (a >= 0x38800000u) { /* normal half */
    h = (a >> 13) - (112u << 10);
    uint32_t rest = a & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (h & 1)))
      ++h;                      /* a carry into the exponent is the right result */
  } else if (a > 0x33000000u) { /* subnormal half, in units of 2^-24 */
    uint32_t mantissa = (a & 0x7fffff) | 0x800000;
    int shift = 126 - (int)(a >> 23);
    uint32_t rest = mantissa & ((1u << shift) - 1), halfway = 1u << (shift - 1);
    h = mantissa >> shift;
    if (rest > halfway || (rest == halfway && (h & 1)))
      ++h;
  } else { /* at most 2^-25: zero */
    h = 0;
  }
  v.u = sign | h;
  return v.f;
}
#endif

#if defined(__arm__) || defined(__hexagon__) || KILN_HOST_TEST
/* 64-bit unsigned division by shift and subtract: n / d, with n % d in *rem. Division by
 * zero gives 0 and n (it is undefined in the generated code's IR). */
__attribute__((noinline)) static uint64_t kiln_udivmod64(uint64_t n, uint64_t d, uint64_t *rem) {
  uint64_t q = 0, r = 0;
  if (d == 0) {
    *rem = n;
    return 0;
  }
  for (int i = 63; i >= 0; --i) {
    r = (r << 1) | ((n >> i) & 1);
    if (r >= d) {
      r -= d;
      q |= (uint64_t)1 << i;
    }
  }
  *rem = r;
  return q;
}

/* Signed division truncates toward zero; the remainder has the dividend's sign. */
static int64_t kiln_divmod64(int64_t n, int64_t d, int64_t *rem) {
  uint64_t un = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;
  uint64_t ud = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;
  uint64_t ur;
  uint64_t uq = kiln_udivmod64(un, ud, &ur);
  *rem = (int64_t)(n < 0 ? 0 - ur : ur);
  return (int64_t)((n < 0) != (d < 0) ? 0 - uq : uq);
}
#endif

#if defined(__arm__)
/* ARM run-time ABI helpers. They use the base (soft-float) procedure call standard even
 * on hard-float targets. */
#define KILN_AEABI __attribute__((weak, pcs("aapcs")))

KILN_AEABI void __aeabi_memcpy(void *dst, const void *src, size_t n) { memcpy(dst, src, n); }
void __aeabi_memcpy4(void *, const void *, size_t) KILN_ALIAS(__aeabi_memcpy);
void __aeabi_memcpy8(void *, const void *, size_t) KILN_ALIAS(__aeabi_memcpy);

/* Note the argument order: destination, size, value. */
KILN_AEABI void __aeabi_memset(void *dst, size_t n, int value) { memset(dst, value, n); }
void __aeabi_memset4(void *, size_t, int) KILN_ALIAS(__aeabi_memset);
void __aeabi_memset8(void *, size_t, int) KILN_ALIAS(__aeabi_memset);

KILN_AEABI void __aeabi_memclr(void *dst, size_t n) { memset(dst, 0, n); }
void __aeabi_memclr4(void *, size_t) KILN_ALIAS(__aeabi_memclr);
void __aeabi_memclr8(void *, size_t) KILN_ALIAS(__aeabi_memclr);

/* __aeabi_{u}ldivmod return the quotient in r0:r1 and the remainder in r2:r3, which C
 * cannot say: these entry points call a C function that stores the remainder. */
uint64_t kiln_aeabi_uldivmod(uint64_t n, uint64_t d, uint64_t *rem) {
  return kiln_udivmod64(n, d, rem);
}
int64_t kiln_aeabi_ldivmod(int64_t n, int64_t d, int64_t *rem) { return kiln_divmod64(n, d, rem); }
#if defined(__thumb__)
#define KILN_THUMB_FUNC ".thumb_func\n"
#else
#define KILN_THUMB_FUNC
#endif
#define KILN_DIVMOD_ENTRY(name, impl)                                                              \
  __asm__(".text\n"                                                                                \
          ".weak " #name "\n"                                                                      \
          ".type " #name ", %function\n" KILN_THUMB_FUNC ".p2align 2\n" #name ":\n"                \
          "  push {r4, lr}\n"                                                                      \
          "  sub sp, sp, #16\n"                                                                    \
          "  add r4, sp, #8\n"                                                                     \
          "  str r4, [sp]\n"                                                                       \
          "  bl " #impl "\n"                                                                       \
          "  ldr r2, [sp, #8]\n"                                                                   \
          "  ldr r3, [sp, #12]\n"                                                                  \
          "  add sp, sp, #16\n"                                                                    \
          "  pop {r4, pc}\n"                                                                       \
          ".size " #name ", . - " #name "\n");
KILN_DIVMOD_ENTRY(__aeabi_uldivmod, kiln_aeabi_uldivmod)
KILN_DIVMOD_ENTRY(__aeabi_ldivmod, kiln_aeabi_ldivmod)

#endif /* __arm__ */

#if defined(__arm__) || KILN_HOST_TEST
#if !defined(__arm__)
#define KILN_AEABI KILN_WEAK
#endif
/* float -> 64-bit integer, truncating. Out-of-range values are undefined in the IR; these
 * give the value's low 64 bits of the truncated magnitude. */
KILN_AEABI uint64_t KILN_NAME(__aeabi_f2ulz)(float x) {
  kiln_f32_bits_t v = {x};
  int exponent = (int)((v.u >> 23) & 0xff) - 127;
  if (exponent < 0 || (v.u >> 31))
    return 0;
  uint64_t mantissa = (v.u & 0x7fffff) | 0x800000;
  return exponent >= 23 ? (exponent >= 87 ? 0 : mantissa << (exponent - 23))
                        : mantissa >> (23 - exponent);
}

KILN_AEABI int64_t KILN_NAME(__aeabi_f2lz)(float x) {
  kiln_f32_bits_t v = {x};
  uint32_t sign = v.u >> 31;
  v.u &= 0x7fffffff;
  uint64_t magnitude = KILN_NAME(__aeabi_f2ulz)(v.f);
  return (int64_t)(sign ? 0 - magnitude : magnitude);
}

/* 64-bit integer -> float, rounding to nearest, ties to even. */
KILN_AEABI float KILN_NAME(__aeabi_ul2f)(uint64_t n) {
  kiln_f32_bits_t v;
  if (n == 0) {
    v.u = 0;
    return v.f;
  }
  int top = 63;
  while (!((n >> top) & 1))
    --top;
  uint32_t bits;
  if (top <= 23) {
    bits = (uint32_t)(n << (23 - top));
  } else {
    int drop = top - 23;
    uint64_t kept = n >> drop;
    uint64_t rest = n & (((uint64_t)1 << drop) - 1);
    uint64_t half = (uint64_t)1 << (drop - 1);
    if (rest > half || (rest == half && (kept & 1)))
      ++kept; /* may carry into bit 24: the exponent below absorbs it */
    bits = (uint32_t)kept;
  }
  /* bits holds the implicit leading one at bit 23 (or a carry at bit 24). */
  v.u = ((uint32_t)(top + 127 - 1) << 23) + bits;
  return v.f;
}

KILN_AEABI float KILN_NAME(__aeabi_l2f)(int64_t n) {
  kiln_f32_bits_t v;
  v.f = KILN_NAME(__aeabi_ul2f)(n < 0 ? 0 - (uint64_t)n : (uint64_t)n);
  if (n < 0)
    v.u |= 0x80000000u;
  return v.f;
}
#endif /* __arm__ || KILN_HOST_TEST */

#if defined(__hexagon__) || KILN_HOST_TEST
/* Hexagon has no integer divide instruction; LLVM calls these (compiler-rt's names). */
KILN_WEAK uint64_t KILN_NAME(__hexagon_udivdi3)(uint64_t n, uint64_t d) {
  uint64_t r;
  return kiln_udivmod64(n, d, &r);
}
KILN_WEAK uint64_t KILN_NAME(__hexagon_umoddi3)(uint64_t n, uint64_t d) {
  uint64_t r;
  kiln_udivmod64(n, d, &r);
  return r;
}
KILN_WEAK int64_t KILN_NAME(__hexagon_divdi3)(int64_t n, int64_t d) {
  int64_t r;
  return kiln_divmod64(n, d, &r);
}
KILN_WEAK int64_t KILN_NAME(__hexagon_moddi3)(int64_t n, int64_t d) {
  int64_t r;
  kiln_divmod64(n, d, &r);
  return r;
}
KILN_WEAK uint32_t KILN_NAME(__hexagon_udivsi3)(uint32_t n, uint32_t d) {
  return (uint32_t)KILN_NAME(__hexagon_udivdi3)(n, d);
}
KILN_WEAK uint32_t KILN_NAME(__hexagon_umodsi3)(uint32_t n, uint32_t d) {
  return (uint32_t)KILN_NAME(__hexagon_umoddi3)(n, d);
}
KILN_WEAK int32_t KILN_NAME(__hexagon_divsi3)(int32_t n, int32_t d) {
  return (int32_t)KILN_NAME(__hexagon_divdi3)(n, d);
}
KILN_WEAK int32_t KILN_NAME(__hexagon_modsi3)(int32_t n, int32_t d) {
  return (int32_t)KILN_NAME(__hexagon_moddi3)(n, d);
}

#if defined(__hexagon__)
void *__hexagon_memcpy_likely_aligned_min32bytes_mult8bytes(void *, const void *, size_t)
    KILN_ALIAS(memcpy);
#endif

/* Correctly rounded single-precision square root, by integer square root of the
 * significand (Hexagon has only reciprocal-square-root estimates). */
KILN_WEAK float KILN_NAME(__hexagon_sqrtf)(float x) {
  kiln_f32_bits_t v = {x};
  if ((v.u & 0x7fffffff) == 0 || v.u == 0x7f800000 || (v.u & 0x7fffffff) > 0x7f800000)
    return x; /* +-0, +inf, NaN */
  if (v.u >> 31) {
    v.u = 0x7fc00000; /* negative: NaN */
    return v.f;
  }
  int exponent = (int)(v.u >> 23);
  uint32_t significand = v.u & 0x7fffff;
  if (exponent == 0) { /* subnormal: normalize */
    exponent = 1;
    while (!(significand & 0x800000)) {
      significand <<= 1;
      --exponent;
    }
  } else {
    significand |= 0x800000;
  }
  /* x = significand * 2^(exponent - 150); make the power even. */
  exponent -= 127;
  if (exponent & 1) {
    significand <<= 1;
    --exponent;
  }
  /* sqrt(x) = sqrt(significand * 2^23) * 2^(exponent / 2 - 23), the root in [2^23, 2^25). */
  uint64_t rest = (uint64_t)significand << 23, root = 0, one = (uint64_t)1 << 48;
  while (one > rest)
    one >>= 2;
  while (one) {
    if (rest >= root + one) {
      rest -= root + one;
      root = (root >> 1) + one;
    } else {
      root >>= 1;
    }
    one >>= 2;
  }
  if (rest > root) /* (root + 1/2)^2 = root^2 + root + 1/4: round to nearest */
    ++root;
  v.u = ((uint32_t)(exponent / 2 + 126) << 23) + (uint32_t)root;
  return v.f;
}
#endif /* __hexagon__ || KILN_HOST_TEST */
