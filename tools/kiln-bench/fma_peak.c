/* fma_peak.c - the single-core fp32 FMA throughput of the machine it runs on.
 *
 * Built by kiln-bench --gemm with clang-22 -O2 -march=native. Independent chains of
 * fused multiply-adds on the widest vectors the CPU has (AVX-512, else AVX, else SSE /
 * NEON width), enough chains to cover the FMA latency on every FMA pipe. Prints
 * "fma peak: X GFLOP/s" (the best of several timed trials).
 */
#include <stdio.h>
#include <time.h>

#if defined(__AVX512F__)
#define LANES 16
#define CHAINS 24
#elif defined(__AVX__)
#define LANES 8
#define CHAINS 12
#else
#define LANES 4
#define CHAINS 12
#endif

typedef float vf __attribute__((ext_vector_type(LANES)));

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  const long iterations = 20000000;
  vf acc[CHAINS];
  vf b = 0.999999f, c = 1e-7f;
  double best = 0;
  float sink = 0;
  for (int trial = 0; trial < 5; ++trial) {
    for (int i = 0; i < CHAINS; ++i)
      acc[i] = (float)i;
    double t0 = now();
    for (long it = 0; it < iterations; ++it) {
      /* Without fast-math the compiler may not reassociate: every FMA runs. */
      for (int i = 0; i < CHAINS; ++i)
        acc[i] = __builtin_elementwise_fma(acc[i], b, c);
    }
    double seconds = now() - t0;
    for (int i = 0; i < CHAINS; ++i)
      sink += acc[i][0];
    double gflops = 2.0 * LANES * CHAINS * (double)iterations / seconds / 1e9;
    if (gflops > best)
      best = gflops;
  }
  printf("fma peak: %.1f GFLOP/s (%d-lane vectors, %d chains; checksum %g)\n", best, LANES,
         CHAINS, sink);
  return 0;
}
