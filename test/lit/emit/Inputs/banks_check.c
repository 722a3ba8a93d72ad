/* Links the object of emit/Inputs/banked.mlir compiled with two memory banks
 * and --io-in-arena, and checks every entry point against the same results:
 * banked_run (one arena), banked_run_banked (a buffer per bank),
 * banked_run_in_arena and banked_run_in_banks (inputs and outputs at the
 * header's offsets), plus the bank pointer checks. */
#include "banked.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT(cond)                                                                              \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      printf("FAILED: %s (line %d)\n", #cond, __LINE__);                                          \
      return 1;                                                                                   \
    }                                                                                             \
  } while (0)

static const float x[6] = {1, 2, 3, -4, 0.5f, -2};

/* The model in C: t = relu(x * w + 1), y = t - rowsum(t), z = t + x. */
static void reference(float *y, float *z) {
  const float w[3] = {2, -1, 0.5f};
  float t[6];
  for (int i = 0; i < 6; ++i) {
    t[i] = x[i] * w[i % 3] + 1;
    t[i] = t[i] > 0 ? t[i] : 0;
  }
  for (int r = 0; r < 2; ++r) {
    float s = t[3 * r] + t[3 * r + 1] + t[3 * r + 2];
    for (int c = 0; c < 3; ++c) {
      y[3 * r + c] = t[3 * r + c] - s;
      z[3 * r + c] = t[3 * r + c] + x[3 * r + c];
    }
  }
}

static int same(const float *a, const float *b) {
  for (int i = 0; i < 6; ++i)
    if (fabsf(a[i] - b[i]) > 1e-6f)
      return 0;
  return 1;
}

static void *bank(size_t size, size_t align) {
  return size ? aligned_alloc(align, (size + align - 1) / align * align) : NULL;
}

int main(void) {
  float ry[6], rz[6], y[6], z[6];
  reference(ry, rz);
  const void *inputs[1] = {x};
  void *outputs[2] = {y, z};

  /* One arena holding both banks. */
  unsigned char *arena = bank(BANKED_ARENA_SIZE, BANKED_ARENA_ALIGN);
  memset(y, 0, sizeof y);
  memset(z, 0, sizeof z);
  EXPECT(banked_run(inputs, outputs, arena) == KILN_STATUS_OK);
  EXPECT(same(y, ry) && same(z, rz));

  /* One buffer per bank; each bank pointer is checked. */
  void *fast = bank(BANKED_BANK_FAST_SIZE, BANKED_BANK_FAST_ALIGN);
  void *slow = bank(BANKED_BANK_SLOW_SIZE, BANKED_BANK_SLOW_ALIGN);
  memset(y, 0, sizeof y);
  memset(z, 0, sizeof z);
  EXPECT(banked_run_banked(inputs, outputs, fast, slow) == KILN_STATUS_OK);
  EXPECT(same(y, ry) && same(z, rz));
  if (BANKED_BANK_FAST_SIZE > 0) {
    EXPECT(banked_run_banked(inputs, outputs, NULL, slow) == KILN_STATUS_NULL_ARENA);
    EXPECT(banked_run_banked(inputs, outputs, (char *)fast + 1, slow) ==
           KILN_STATUS_MISALIGNED_ARENA);
  }

  /* Inputs and outputs in the arena. */
  memset(arena, 0xff, BANKED_ARENA_SIZE);
  memcpy(arena + BANKED_INPUT_0_OFFSET, x, sizeof x);
  EXPECT(banked_run_in_arena(arena) == KILN_STATUS_OK);
  EXPECT(same((float *)(arena + BANKED_OUTPUT_0_OFFSET), ry));
  EXPECT(same((float *)(arena + BANKED_OUTPUT_1_OFFSET), rz));
  EXPECT(banked_run_in_arena(NULL) == KILN_STATUS_NULL_ARENA);

  /* ... and in the banks. */
  void *banks[2] = {fast, slow};
  memcpy((char *)banks[BANKED_INPUT_0_BANK] + BANKED_INPUT_0_BANK_OFFSET, x, sizeof x);
  EXPECT(banked_run_in_banks(fast, slow) == KILN_STATUS_OK);
  EXPECT(same((float *)((char *)banks[BANKED_OUTPUT_0_BANK] + BANKED_OUTPUT_0_BANK_OFFSET), ry));
  EXPECT(same((float *)((char *)banks[BANKED_OUTPUT_1_BANK] + BANKED_OUTPUT_1_BANK_OFFSET), rz));

  free(arena);
  free(fast);
  free(slow);
  printf("BANKS OK: fast %u, slow %u, arena %u bytes\n", (unsigned)BANKED_BANK_FAST_SIZE,
         (unsigned)BANKED_BANK_SLOW_SIZE, (unsigned)BANKED_ARENA_SIZE);
  return 0;
}
