/*
 * The Kiln demo: a C program that links a model compiled ahead of time.
 *
 *   kilnc model.pt2 --name=demo -o demo.o      (writes demo.o and demo.h)
 *   cc -I<prefix>/include main.c demo.o -o kiln-demo   (kiln/runtime.h: <prefix>/include,
 *                                                      or runtime_stub/include here)
 *
 * It prints the model's interface, runs it on the input that PyTorch used,
 * prints Kiln's outputs next to PyTorch's, the arena size and the latency.
 * Everything the model needs is in demo.o: no runtime library, no malloc
 * inside the model; the arena below is this program's choice of memory.
 */
#include "demo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef KILN_DEMO_DIR
#define KILN_DEMO_DIR "."
#endif

/* Reads a float32 .npy file of exactly `count` elements; returns 0 on success. */
static int read_npy_f32(const char *path, float *out, size_t count) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  unsigned char head[10];
  if (fread(head, 1, 10, f) != 10 || memcmp(head, "\x93NUMPY", 6) != 0 || head[6] != 1) {
    fclose(f);
    return -1;
  }
  size_t header_len = head[8] | (size_t)head[9] << 8;
  char header[1024];
  if (header_len >= sizeof header || fread(header, 1, header_len, f) != header_len) {
    fclose(f);
    return -1;
  }
  header[header_len] = '\0';
  if (!strstr(header, "'<f4'") || fread(out, sizeof(float), count, f) != count) {
    fclose(f);
    return -1;
  }
  fclose(f);
  return 0;
}

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static void print_tensor(const char *kind, unsigned i, const kiln_tensor_desc_t *t) {
  printf("  %s %u: %-12s float32[", kind, i, t->name);
  for (uint32_t d = 0; d < t->rank; ++d)
    printf("%s%lld", d ? ", " : "", (long long)t->shape[d]);
  printf("]  (%llu bytes)\n", (unsigned long long)t->size_bytes);
}

int main(void) {
  const kiln_model_t *m = &demo_model;
  printf("Kiln demo: model '%s', compiled ahead of time into demo.o\n", m->name);
  for (unsigned i = 0; i < m->num_inputs; ++i)
    print_tensor("input ", i, &m->inputs[i]);
  for (unsigned i = 0; i < m->num_outputs; ++i)
    print_tensor("output", i, &m->outputs[i]);
  printf("  arena: %u bytes, aligned to %u\n", (unsigned)DEMO_ARENA_SIZE, DEMO_ARENA_ALIGN);

  static float input[DEMO_INPUT_0_BYTES / sizeof(float)];
  static float output[DEMO_OUTPUT_0_BYTES / sizeof(float)];
  static float expected[DEMO_OUTPUT_0_BYTES / sizeof(float)];
  size_t n_in = DEMO_INPUT_0_BYTES / sizeof(float), n_out = DEMO_OUTPUT_0_BYTES / sizeof(float);
  if (read_npy_f32(KILN_DEMO_DIR "/input_0.npy", input, n_in) != 0 ||
      read_npy_f32(KILN_DEMO_DIR "/expected_0.npy", expected, n_out) != 0) {
    fprintf(stderr, "kiln-demo: cannot read %s/{input,expected}_0.npy\n", KILN_DEMO_DIR);
    return 1;
  }

  void *arena = aligned_alloc(DEMO_ARENA_ALIGN,
                              (DEMO_ARENA_SIZE + DEMO_ARENA_ALIGN - 1) / DEMO_ARENA_ALIGN *
                                  DEMO_ARENA_ALIGN + DEMO_ARENA_ALIGN);
  const void *inputs[] = {input};
  void *outputs[] = {output};
  kiln_status_t status = demo_run(inputs, outputs, arena);
  if (status != KILN_STATUS_OK) {
    fprintf(stderr, "kiln-demo: demo_run returned %d\n", status);
    return 1;
  }

  printf("\n  %-5s %14s %14s\n", "index", "kiln", "pytorch");
  double max_err = 0;
  for (size_t i = 0; i < n_out; ++i) {
    printf("  %-5zu %14.6f %14.6f\n", i, output[i], expected[i]);
    double err = fabs((double)output[i] - expected[i]);
    max_err = err > max_err ? err : max_err;
  }
  printf("  max |kiln - pytorch| = %.3g\n", max_err);

  enum { RUNS = 200 };
  double times[RUNS];
  for (int r = 0; r < 20; ++r)
    demo_run(inputs, outputs, arena);
  for (int r = 0; r < RUNS; ++r) {
    double start = now_us();
    demo_run(inputs, outputs, arena);
    times[r] = now_us() - start;
  }
  qsort(times, RUNS, sizeof times[0], compare_doubles);
  printf("\n  latency over %d runs: min %.1f us, median %.1f us\n", RUNS, times[0],
         times[RUNS / 2]);
  free(arena);
  /* The demo's own check: PyTorch's reference within 1e-4 (absolute). */
  if (max_err > 1e-4) {
    printf("  MISMATCH against PyTorch\n");
    return 1;
  }
  printf("  outputs match PyTorch (tolerance 1e-4)\n");
  return 0;
}
