/* Links a kilnc object and checks the ABI contract of DESIGN.md §3:
 * argument checks, the descriptor, and the results of emit/Inputs/tiny.mlir. */
#include "tiny.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPECT(cond)                                                            \
  do {                                                                          \
    if (!(cond)) {                                                              \
      printf("FAILED: %s (line %d)\n", #cond, __LINE__);                        \
      return 1;                                                                 \
    }                                                                           \
  } while (0)

int main(void) {
  const kiln_model_t *m = &tiny_model;
  EXPECT(m->abi_version == KILN_ABI_VERSION);
  EXPECT(strcmp(m->name, "tiny") == 0);
  EXPECT(m->num_inputs == TINY_NUM_INPUTS && m->num_inputs == 1);
  EXPECT(m->num_outputs == TINY_NUM_OUTPUTS && m->num_outputs == 2);
  EXPECT(m->arena_size == TINY_ARENA_SIZE && m->arena_align == TINY_ARENA_ALIGN);
  EXPECT(strcmp(m->inputs[0].name, "x") == 0);
  EXPECT(m->inputs[0].dtype == KILN_DTYPE_FLOAT32 && m->inputs[0].rank == 2);
  EXPECT(m->inputs[0].shape[0] == 2 && m->inputs[0].shape[1] == 3);
  EXPECT(m->inputs[0].size_bytes == TINY_INPUT_0_BYTES && TINY_INPUT_0_BYTES == 24);
  EXPECT(strcmp(m->outputs[1].name, "x_plus_one") == 0);
  EXPECT(m->run == tiny_run);

  float x[6] = {1, 2, 3, -4, 0.5f, -2};
  float y[6], z[6];
  const void *inputs[1] = {x};
  void *outputs[2] = {y, z};
  size_t arena_bytes = TINY_ARENA_SIZE + 2 * TINY_ARENA_ALIGN;
  unsigned char *raw = aligned_alloc(TINY_ARENA_ALIGN, arena_bytes);
  EXPECT(raw != NULL);

  EXPECT(tiny_run(NULL, outputs, raw) == KILN_STATUS_NULL_INPUT);
  const void *null_input[1] = {NULL};
  EXPECT(tiny_run(null_input, outputs, raw) == KILN_STATUS_NULL_INPUT);
  EXPECT(tiny_run(inputs, NULL, raw) == KILN_STATUS_NULL_OUTPUT);
  void *null_output[2] = {y, NULL};
  EXPECT(tiny_run(inputs, null_output, raw) == KILN_STATUS_NULL_OUTPUT);
  if (TINY_ARENA_SIZE > 0) {
    EXPECT(tiny_run(inputs, outputs, NULL) == KILN_STATUS_NULL_ARENA);
    EXPECT(tiny_run(inputs, outputs, raw + 1) == KILN_STATUS_MISALIGNED_ARENA);
  }

  EXPECT(tiny_run(inputs, outputs, raw) == KILN_STATUS_OK);
  const float w[3] = {2, -1, 0.5f};
  for (int i = 0; i < 6; ++i) {
    float expected = x[i] * w[i % 3] + 1;
    expected = expected > 0 ? expected : 0;
    EXPECT(fabsf(y[i] - expected) <= 1e-6f);
    EXPECT(fabsf(z[i] - (x[i] + 1)) <= 1e-6f);
  }
  free(raw);
  printf("ABI OK: arena %u bytes\n", (unsigned)TINY_ARENA_SIZE);
  return 0;
}
