/* fma_peak.c - the single-core fp32 FMA throughput of the machine it runs on.
 *
 * Built by kiln-bench --gemm with clang-22 -O2 -march=native. Independent chains of
 * fused multiply-adds on the widest vectors the CPU has: explicit AVX-512 (zmm)
 * intrinsics where it has AVX-512F, else AVX2/FMA (ymm), else the compiler's vectors of
 * 4 lanes (NEON, SSE). The chains are named variables, so that they stay in registers:
 * the first version kept an array of accumulators in memory (a store-to-load chain per
 * FMA) and let -march=native split its 16-lane vectors into ymm halves, and printed a
 * third of this machine's peak. 24 chains cover a 4-cycle latency on two FMA pipes
 * (8 needed) three times over.
 *
 * Prints "fma peak: X GFLOP/s" (the best of several timed trials), then a check: the
 * FMA instructions per cycle that X implies at the CPU's clock where the machine gives
 * one (/proc/cpuinfo "cpu MHz"; nominal, turbo can exceed it), to hold against the
 * documented 1 or 2 per cycle.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#define LANES 16
typedef __m512 vf;
#define SPLAT(x) _mm512_set1_ps(x)
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define LANE0(v) _mm512_cvtss_f32(v)
#elif defined(__AVX__) && defined(__FMA__)
#include <immintrin.h>
#define LANES 8
typedef __m256 vf;
#define SPLAT(x) _mm256_set1_ps(x)
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define LANE0(v) _mm256_cvtss_f32(v)
#else
#define LANES 4
typedef float vf __attribute__((ext_vector_type(LANES)));
#define SPLAT(x) ((vf)(x))
#define FMA(a, b, c) __builtin_elementwise_fma(a, b, c)
#define LANE0(v) ((v)[0])
#endif
#define CHAINS 24

/* X(i) for every chain. */
#define EACH(X)                                                                                    \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16)     \
  X(17) X(18) X(19) X(20) X(21) X(22) X(23)

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

/* The first "cpu MHz" of /proc/cpuinfo, 0 where there is none. */
static double cpu_mhz(void) {
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[256];
  double mhz = 0;
  if (!f)
    return 0;
  while (!mhz && fgets(line, sizeof line, f))
    if (!strncmp(line, "cpu MHz", 7) && strchr(line, ':'))
      mhz = atof(strchr(line, ':') + 1);
  fclose(f);
  return mhz;
}

int main(void) {
  const long iterations = 20000000;
  const vf b = SPLAT(0.999999f), c = SPLAT(1e-7f);
  double best = 0;
  float sink = 0;
  for (int trial = 0; trial < 5; ++trial) {
#define INIT(i) vf a##i = SPLAT((float)i);
    EACH(INIT)
    double t0 = now();
    for (long it = 0; it < iterations; ++it) {
      /* Without fast-math the compiler may not reassociate: every FMA runs. */
#define STEP(i) a##i = FMA(a##i, b, c);
      EACH(STEP)
    }
    double seconds = now() - t0;
#define SUM(i) sink += LANE0(a##i);
    EACH(SUM)
    double gflops = 2.0 * LANES * CHAINS * (double)iterations / seconds / 1e9;
    if (gflops > best)
      best = gflops;
  }
  printf("fma peak: %.1f GFLOP/s (%d-lane vectors, %d chains; checksum %g)\n", best, LANES,
         CHAINS, sink);
  double mhz = cpu_mhz();
  if (mhz > 0)
    printf("fma check: %.2f FMA instructions per cycle at the listed %.0f MHz "
           "(documented: 1 or 2)\n",
           best * 1e3 / (2.0 * LANES * mhz), mhz);
  return 0;
}
