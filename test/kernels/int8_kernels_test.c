/*===- int8_kernels_test.c - the int8 micro-kernels against a naive C reference -===*
 *
 * Built natively once per x86-64 kernel library (test/kernels/CMakeLists.txt:
 * the library's tile and -DKILN_FEATURE_<f> flags from targets/targets.ini) and
 * linked with targets/kernels/kiln_kernels.c. Every output byte of qconv2d,
 * qdwconv2d, qlinear and lookup must equal a direct computation of
 *   y = clamp(zy + floor((acc * mult + rem + 2^(30 - shift)) / 2^(31 - shift)), lo, hi)
 * (rounding half up) in 64-bit integers, over shapes that reach each code
 * path (strides 1, 2, dilation, kernels wider than 4, rows too long to
 * stage, 1 x 1 images, panels with a remainder), remainders anywhere in
 * [-2^30, 2^30], and requantizations with exact halves (ties) and the
 * extreme shifts (30 and -31). Exits 77 (ctest: skipped, with the reason
 * printed) when this CPU lacks a feature of the library.
 *===----------------------------------------------------------------------===*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kiln_kernels.h"

/* The features the library needs, as __builtin_cpu_supports names. */
static int cpu_has_library_features(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
#if defined(KILN_FEATURE_avx512f)
  if (!__builtin_cpu_supports("avx512f")) return puts("skipped: this CPU lacks avx512f"), 0;
#endif
#if defined(KILN_FEATURE_avx512bw)
  if (!__builtin_cpu_supports("avx512bw")) return puts("skipped: this CPU lacks avx512bw"), 0;
#endif
#if defined(KILN_FEATURE_avx512vnni)
  if (!__builtin_cpu_supports("avx512vnni")) return puts("skipped: this CPU lacks avx512vnni"), 0;
#endif
#if defined(KILN_FEATURE_avx512vbmi)
  if (!__builtin_cpu_supports("avx512vbmi")) return puts("skipped: this CPU lacks avx512vbmi"), 0;
#endif
#if defined(KILN_FEATURE_avxvnni)
  if (!__builtin_cpu_supports("avxvnni")) return puts("skipped: this CPU lacks avxvnni"), 0;
#endif
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
    return puts("skipped: this CPU lacks x86-64-v3 (avx2, fma)"), 0;
#endif
  return 1;
}
extern const int kiln_uk_int8_geometry[4];
static unsigned long long rs = 88172645463325252ull;
static int rnd(int lo, int hi) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return lo + (int)(rs % (unsigned long long)(hi - lo + 1)); }
static int rq(long long acc, int m, int s, int r, int zy, int lo, int hi) {
  int t = 31 - s; long long p = acc * m + r; long long fl = p >> t; long long rest = p - fl * (1ll << t); long long half = 1ll << (t - 1);
  long long y = fl + (rest >= half ? 1 : 0); y += zy; if (y < lo) y = lo; if (y > hi) y = hi; return (int)y; }
static int fails = 0;
static int conv_ties; /* test_conv with power-of-two multipliers (ties) */
static void test_conv(int n, int c, int h, int w, int f, int kh, int kw, int sh, int sw, int pt, int pl, int dh, int dw, int dwise) {
  int QMR = kiln_uk_int8_geometry[0], QNR = kiln_uk_int8_geometry[1], QOFF = kiln_uk_int8_geometry[2];
  int oh = (h + 2 * pt - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pl - dw * (kw - 1) - 1) / sw + 1;
  if (dwise) f = c;
  int cin = dwise ? 1 : c;
  int K = cin * kh * kw, K4 = (K + 3) / 4;
  signed char *x = malloc(n * c * h * w), *wt = malloc(f * K), *y = malloc(n * f * oh * ow);
  int zx = rnd(-128, 127), zy = rnd(-128, 127), lo = -128, hi = rnd(0, 1) ? 127 : 100;
  for (int i = 0; i < n * c * h * w; ++i) x[i] = rnd(-128, 127);
  for (int i = 0; i < f * K; ++i) wt[i] = rnd(-127, 127);
  int fp = (f + QMR - 1) / QMR * QMR + QNR;
  int *bias = calloc(fp, 4), *mult = calloc(fp, 4), *shift = calloc(fp, 4), *fb = calloc(fp, 4), *rem = calloc(fp, 4);
  for (int i = 0; i < f; ++i) { bias[i] = rnd(-100000, 100000); mult[i] = rnd(1 << 30, 0x7fffffff); shift[i] = rnd(-12, -5); rem[i] = rnd(-(1 << 30) + 1, (1 << 30) - 1); }
  if (conv_ties) /* acc / 4 .. acc / 16: every fourth sum or more is a tie (remainder 0) */
    for (int i = 0; i < f; ++i) { bias[i] = rnd(-1000, 1000); mult[i] = 1 << 30; shift[i] = rnd(-3, -1); rem[i] = 0; }
  if (conv_ties == 2) /* biases about the double requantization's bound, 2^22: filters either side */
    for (int i = 0; i < f; ++i) bias[i] = rnd(-4400000, 4400000);
  for (int i = 0; i < f; ++i) { long long s = 0; for (int k = 0; k < K; ++k) s += wt[i * K + k]; fb[i] = bias[i] - (dwise ? 0 : (zx + QOFF) * s); }
  if (dwise) {
    kiln_uk_qdwconv2d(x, wt, fb, mult, shift, rem, y, n, c, h, w, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, zx, zy, lo, hi);
  } else {
    signed char *wp = calloc(fp * K4 * 4, 1);
    /* k as kiln_kernels.h orders it: in channel fours where the library's QFOURS says so */
    int c4 = (cin + 3) / 4 * 4, fours = kiln_uk_int8_geometry[3] && 3 * c4 <= 4 * cin, taps = kh * kw;
    if (fours) { free(wp); K4 = c4 * taps / 4; wp = calloc(fp * K4 * 4, 1); }
    for (int i = 0; i < f; ++i) for (int k = 0; k < K; ++k) {
      int ci = k / taps, t = k % taps, kk = fours ? (ci / 4 * taps + t) * 4 + ci % 4 : k;
      wp[((i / QMR) * K4 * QMR + (kk / 4) * QMR + i % QMR) * 4 + kk % 4] = wt[i * K + k]; }
    kiln_uk_qconv2d(x, wp, fb, mult, shift, rem, y, n, c, h, w, f, kh, kw, sh, sw, pt, pl, dh, dw, oh, ow, zx, zy, lo, hi);
    free(wp);
  }
  int bad = 0;
  for (int b = 0; b < n; ++b) for (int o = 0; o < f; ++o) for (int oy = 0; oy < oh; ++oy) for (int ox = 0; ox < ow; ++ox) {
    long long acc = bias[o];
    for (int ci = 0; ci < cin; ++ci) for (int ki = 0; ki < kh; ++ki) for (int kj = 0; kj < kw; ++kj) {
      int iy = oy * sh - pt + ki * dh, ix = ox * sw - pl + kj * dw; int ch = dwise ? o : ci;
      int xv = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[((b * c + ch) * h + iy) * w + ix] : zx;
      acc += (long long)(xv - zx) * wt[o * K + (ci * kh + ki) * kw + kj]; }
    int ref = rq(acc, mult[o], shift[o], rem[o], zy, lo, hi), got = y[((b * f + o) * oh + oy) * ow + ox];
    if (ref != got && bad++ < 3) printf("  mismatch at %d,%d,%d,%d: %d vs %d\n", b, o, oy, ox, got, ref);
  }
  printf("%s n%d c%d %dx%d f%d k%dx%d s%d p%d d%d: %s\n", dwise ? "dw" : "conv", n, c, h, w, f, kh, kw, sh, pt, dh, bad ? "FAIL" : "ok");
  fails += bad != 0;
  free(x); free(wt); free(y); free(bias); free(mult); free(shift); free(fb); free(rem);
}
static void test_linear(int m, int k, int n) {
  int QNR = kiln_uk_int8_geometry[1], QOFF = kiln_uk_int8_geometry[2]; int K4 = (k + 3) / 4, np = (n + QNR - 1) / QNR * QNR;
  signed char *x = malloc(m * k), *wt = malloc(n * k), *y = malloc(m * n), *wp = calloc(np * K4 * 4, 1);
  int *bias = calloc(np, 4), *mult = calloc(np, 4), *shift = calloc(np, 4), *fb = calloc(np, 4), *rem = calloc(np, 4);
  int zx = rnd(-128, 127), zy = rnd(-128, 127);
  for (int i = 0; i < n; ++i) rem[i] = rnd(-(1 << 30) + 1, (1 << 30) - 1);
  for (int i = 0; i < m * k; ++i) x[i] = rnd(-128, 127);
  for (int i = 0; i < n * k; ++i) wt[i] = rnd(-127, 127);
  for (int i = 0; i < n; ++i) { bias[i] = rnd(-100000, 100000); mult[i] = rnd(1 << 30, 0x7fffffff); shift[i] = rnd(-12, -5); long long s = 0; for (int j = 0; j < k; ++j) s += wt[i * k + j]; fb[i] = bias[i] - (zx + QOFF) * s; }
  for (int i = 0; i < n; ++i) for (int j = 0; j < k; ++j) wp[((i / QNR) * K4 * QNR + (j / 4) * QNR + i % QNR) * 4 + j % 4] = wt[i * k + j];
  kiln_uk_qlinear(x, wp, fb, mult, shift, rem, y, m, k, n, zy, -128, 127);
  int bad = 0;
  for (int a = 0; a < m; ++a) for (int o = 0; o < n; ++o) { long long acc = bias[o]; for (int j = 0; j < k; ++j) acc += (long long)(x[a * k + j] - zx) * wt[o * k + j];
    int ref = rq(acc, mult[o], shift[o], rem[o], zy, -128, 127); if (ref != y[a * n + o] && bad++ < 3) printf("  mismatch %d,%d: %d vs %d\n", a, o, y[a*n+o], ref); }
  printf("linear m%d k%d n%d: %s\n", m, k, n, bad ? "FAIL" : "ok"); fails += bad != 0;
  free(x); free(wt); free(y); free(wp); free(bias); free(mult); free(shift); free(fb); free(rem);
}
static void test_ties(void) {
  /* small multipliers and large shifts: exact halves (ties) and the extremes of the shift */
  int n = 4096, QNR = kiln_uk_int8_geometry[1];
  int shifts[] = {30, 29, 25, 0, -1, -2, -20, -31};
  for (int si = 0; si < 8; ++si) {
    int c = 1, h = 16, w = 256; signed char *x = malloc(n), wt[1] = {1}, *y = malloc(n);
    int b[64] = {0}, m[64], sh[64], r[64] = {0};
    for (int i = 0; i < 64; ++i) { m[i] = shifts[si] > 20 ? 3 : shifts[si] == -1 || shifts[si] == -2 ? 1 << 30 : 0x7fffffff; sh[i] = shifts[si]; }
    for (int i = 0; i < n; ++i) x[i] = rnd(-128, 127);
    int zy = rnd(-128, 127), bad = 0;
    kiln_uk_qdwconv2d(x, wt, b, m, sh, r, y, 1, c, h, w, 1, 1, 1, 1, 0, 0, 1, 1, h, w, 0, zy, -128, 127);
    for (int i = 0; i < n; ++i) { int ref = rq(x[i], m[0], sh[0], r[0], zy, -128, 127); if (ref != y[i] && bad++ < 3) printf("  tie mismatch x=%d shift=%d: %d vs %d\n", x[i], sh[0], y[i], ref); }
    printf("ties shift %d: %s\n", shifts[si], bad ? "FAIL" : "ok"); fails += bad != 0; free(x); free(y); (void)QNR;
  }
}
static void test_lookup(int n) {
  signed char *x = malloc(n + 1), *y = malloc(n + 1), t[256];
  for (int i = 0; i < 256; ++i) t[i] = rnd(-128, 127);
  for (int i = 0; i < n; ++i) x[i] = rnd(-128, 127);
  y[n] = 77; kiln_uk_lookup(x, t, y, n);
  int bad = y[n] != 77;
  for (int i = 0; i < n; ++i) bad += y[i] != t[x[i] + 128];
  printf("lookup n%d: %s\n", n, bad ? "FAIL" : "ok"); fails += bad != 0; free(x); free(y);
}
/* qmaxpool2d against the window maxima (padding: -128), on random shapes:
 * windows 1-4 (and some wider than the kernel's staged half row: its scalar
 * loop), strides 1-3, padding up to half the window, ceil mode's extra last
 * window, rows past the kernel's staged row (chunks). */
static void test_maxpool(int trials) {
  int bad = 0;
  for (int trial = 0; trial < trials; ++trial) {
    int planes = rnd(1, 3), h = rnd(1, 20), w = rnd(1, trial % 10 == 0 ? 1500 : 70);
    int kh = rnd(1, 4), kw = rnd(1, trial % 50 == 0 ? 700 : 4), sh = rnd(1, 3), sw = rnd(1, 3);
    int pt = rnd(0, kh / 2), pl = rnd(0, kw / 2);
    int oh = (h + 2 * pt - kh) / sh + 1, ow = (w + 2 * pl - kw) / sw + 1;
    if (oh <= 0 || ow <= 0)
      continue;
    if (rnd(0, 1) && (w + 2 * pl - kw) % sw && ow * sw < w + pl) /* ceil mode */
      ++ow;
    signed char *x = malloc(planes * h * w), *y = malloc(planes * oh * ow + 1);
    for (int i = 0; i < planes * h * w; ++i) x[i] = rnd(-128, 127);
    y[planes * oh * ow] = 77;
    kiln_uk_qmaxpool2d(x, y, planes, h, w, kh, kw, sh, sw, pt, pl, oh, ow);
    int wrong = y[planes * oh * ow] != 77;
    for (int p = 0; p < planes; ++p) for (int oy = 0; oy < oh; ++oy) for (int ox = 0; ox < ow; ++ox) {
      int m = -128;
      for (int i = 0; i < kh; ++i) for (int j = 0; j < kw; ++j) {
        int iy = oy * sh - pt + i, ix = ox * sw - pl + j;
        if (iy >= 0 && iy < h && ix >= 0 && ix < w && x[(p * h + iy) * w + ix] > m) m = x[(p * h + iy) * w + ix];
      }
      wrong += y[(p * oh + oy) * ow + ox] != m;
    }
    if (wrong && bad++ < 3)
      printf("  maxpool mismatch: %d planes %dx%d window %dx%d stride %d,%d pad %d,%d out %dx%d\n", planes, h, w, kh, kw, sh, sw, pt, pl, oh, ow);
    free(x); free(y);
  }
  printf("maxpool %d shapes: %s\n", trials, bad ? "FAIL" : "ok"); fails += bad != 0;
}
int main(void) {
  if (!cpu_has_library_features())
    return 77;
  test_ties();
  test_conv(1, 3, 50, 70, 8, 3, 3, 2, 2, 1, 1, 1, 1, 0);
  test_conv(1, 3, 224, 224, 8, 3, 3, 2, 2, 1, 1, 1, 1, 0);
  test_maxpool(1500);
  test_lookup(1); test_lookup(63); test_lookup(64); test_lookup(1000); test_lookup(100003);
  test_conv(1, 5, 7, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  test_conv(1, 5, 14, 14, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  test_conv(1, 5, 28, 28, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1);
  test_conv(1, 5, 112, 112, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1);
  test_conv(1, 5, 112, 112, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  test_conv(1, 5, 30, 30, 5, 3, 3, 1, 1, 2, 2, 2, 2, 1);
  test_conv(1, 3, 8, 8, 5, 3, 3, 1, 1, 1, 1, 1, 1, 0);
  test_conv(2, 7, 13, 11, 19, 3, 3, 2, 2, 1, 1, 1, 1, 0);
  test_conv(1, 16, 14, 14, 40, 1, 1, 1, 1, 0, 0, 1, 1, 0);
  test_conv(1, 17, 9, 9, 33, 5, 5, 1, 1, 2, 2, 1, 1, 0);
  test_conv(1, 6, 10, 10, 8, 3, 3, 1, 1, 2, 2, 2, 2, 0);
  test_conv(1, 64, 7, 7, 70, 3, 3, 1, 1, 1, 1, 1, 1, 0);
  test_conv(1, 8, 40, 40, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  test_conv(2, 5, 17, 17, 5, 3, 3, 2, 2, 1, 1, 1, 1, 1);
  test_conv(1, 4, 12, 12, 4, 5, 5, 1, 1, 2, 2, 1, 1, 1);
  test_conv(1, 3, 9, 300, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  test_conv(1, 3, 9, 9, 3, 7, 7, 1, 1, 3, 3, 1, 1, 1);
  /* Ties through the conv and depthwise epilogues: small K (AVX-512's double
   * requantization) and large K (its int64 one). */
  conv_ties = 1;
  test_conv(1, 16, 14, 14, 40, 1, 1, 1, 1, 0, 0, 1, 1, 0);
  test_conv(1, 64, 7, 7, 70, 3, 3, 1, 1, 1, 1, 1, 1, 0);
  test_conv(1, 8, 40, 40, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  conv_ties = 2;
  test_conv(1, 16, 14, 14, 40, 1, 1, 1, 1, 0, 0, 1, 1, 0);
  test_conv(1, 8, 40, 40, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1);
  conv_ties = 0;
  /* C % 4 == 0: channel fours; at stride 1 the AVX-512 direct conv (one band
   * or several, f past a multiple of 8, 5 x 5 taps, no padding, two images,
   * a band too wide for the stack: the im2col path), else im2col in fours */
  test_conv(1, 8, 9, 9, 12, 3, 3, 1, 1, 1, 1, 1, 1, 0);
  test_conv(1, 64, 56, 56, 16, 3, 3, 1, 1, 1, 1, 1, 1, 0);
  test_conv(1, 512, 7, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 0);
  test_conv(1, 4, 12, 12, 8, 5, 5, 1, 1, 2, 2, 1, 1, 0);
  test_conv(1, 8, 10, 10, 8, 3, 3, 1, 1, 0, 0, 1, 1, 0);
  test_conv(2, 12, 13, 29, 19, 3, 3, 1, 1, 1, 1, 1, 1, 0);
  test_conv(1, 2048, 3, 64, 4, 3, 3, 1, 1, 1, 1, 1, 1, 0);
  test_conv(1, 8, 17, 17, 8, 3, 3, 2, 2, 1, 1, 1, 1, 0);
  test_conv(1, 8, 20, 20, 8, 3, 3, 1, 1, 2, 2, 2, 2, 0);
  /* stride 2 (the direct conv's parity planes): a 7 x 7 stem of three
   * channels (padded to four), 3 x 3 and 1 x 1 (no padding), odd sizes, a
   * band too wide; six channels (padded), two (not in fours) */
  test_conv(1, 3, 224, 224, 16, 7, 7, 2, 2, 3, 3, 1, 1, 0);
  test_conv(1, 3, 33, 31, 8, 3, 3, 2, 2, 1, 1, 1, 1, 0);
  test_conv(2, 16, 15, 15, 12, 3, 3, 2, 2, 1, 1, 1, 1, 0);
  test_conv(1, 16, 14, 14, 24, 1, 1, 2, 2, 0, 0, 1, 1, 0);
  test_conv(1, 8, 9, 10, 8, 4, 4, 2, 2, 1, 1, 1, 1, 0);
  test_conv(1, 1024, 5, 40, 4, 3, 3, 2, 2, 1, 1, 1, 1, 0);
  test_conv(1, 6, 12, 12, 8, 3, 3, 1, 1, 1, 1, 1, 1, 0);
  test_conv(1, 2, 12, 12, 8, 3, 3, 2, 2, 1, 1, 1, 1, 0);
  test_linear(1, 37, 10); test_linear(3, 128, 70); test_linear(17, 64, 33); test_linear(1, 1280, 1000);
  printf(fails ? "FAILED\n" : "ALL OK\n"); return fails != 0;
}
