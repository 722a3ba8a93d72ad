/*
 * Runs two models compiled ahead of time by Kiln (kiln_add_model() in
 * CMakeLists.txt) on the inputs PyTorch used, and compares their outputs with
 * PyTorch's: |kiln - torch| <= 1e-5 + 1e-4 * |torch| for every element.
 * Exit status 0 when every output matches.
 */
#include "mlp.h"
#include "small_cnn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads a little-endian float32 .npy file of exactly `count` elements. */
static int read_npy_f32(const char *path, float *out, size_t count) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return -1;
  unsigned char head[10];
  char header[4096];
  int ok = fread(head, 1, 10, f) == 10 && memcmp(head, "\x93NUMPY", 6) == 0 && head[6] == 1;
  size_t header_len = ok ? (size_t)(head[8] | head[9] << 8) : 0;
  ok = ok && header_len < sizeof header && fread(header, 1, header_len, f) == header_len;
  if (ok) {
    header[header_len] = '\0';
    ok = strstr(header, "'<f4'") != NULL && fread(out, sizeof(float), count, f) == count;
  }
  fclose(f);
  return ok ? 0 : -1;
}

/* Runs `model` on MODELS_DIR/<dir>/input_<i>.npy; returns the number of
 * mismatching output elements, or -1 when it cannot run. */
static long check_model(const kiln_model_t *model, const char *dir) {
  void *inputs[8] = {0}, *outputs[8] = {0};
  float *expected[8] = {0};
  long mismatches = -1;
  char path[1024];
  void *arena = NULL;
  if (model->num_inputs > 8 || model->num_outputs > 8)
    return -1;
  for (uint32_t i = 0; i < model->num_inputs; ++i) {
    const kiln_tensor_desc_t *t = &model->inputs[i];
    inputs[i] = malloc(t->size_bytes);
    snprintf(path, sizeof path, "%s/%s/input_%u.npy", MODELS_DIR, dir, i);
    if (!inputs[i] || t->dtype != KILN_DTYPE_FLOAT32 ||
        read_npy_f32(path, inputs[i], t->size_bytes / 4) != 0) {
      fprintf(stderr, "%s: cannot read %s\n", model->name, path);
      goto done;
    }
  }
  for (uint32_t i = 0; i < model->num_outputs; ++i) {
    const kiln_tensor_desc_t *t = &model->outputs[i];
    outputs[i] = malloc(t->size_bytes);
    expected[i] = malloc(t->size_bytes);
    snprintf(path, sizeof path, "%s/%s/expected_%u.npy", MODELS_DIR, dir, i);
    if (!outputs[i] || !expected[i] || t->dtype != KILN_DTYPE_FLOAT32 ||
        read_npy_f32(path, expected[i], t->size_bytes / 4) != 0) {
      fprintf(stderr, "%s: cannot read %s\n", model->name, path);
      goto done;
    }
  }
  /* The arena: size and alignment from the descriptor (aligned_alloc wants a
   * multiple of the alignment). */
  size_t align = model->arena_align, size = (size_t)model->arena_size;
  arena = aligned_alloc(align, (size + align - 1) / align * align + align);
  if (!arena || model->run((const void *const *)inputs, outputs, arena) != KILN_STATUS_OK) {
    fprintf(stderr, "%s: run failed\n", model->name);
    goto done;
  }
  mismatches = 0;
  for (uint32_t i = 0; i < model->num_outputs; ++i) {
    const float *got = outputs[i];
    size_t n = model->outputs[i].size_bytes / 4, best = 0;
    double max_error = 0;
    for (size_t k = 0; k < n; ++k) {
      double error = fabs((double)got[k] - expected[i][k]);
      if (error > max_error)
        max_error = error;
      if (error > 1e-5 + 1e-4 * fabs(expected[i][k]))
        ++mismatches;
      if (got[k] > got[best])
        best = k;
    }
    printf("%-10s output %u: %zu values, max |kiln - torch| = %.3g, argmax %zu\n", model->name,
           i, n, max_error, best);
  }
done:
  for (int i = 0; i < 8; ++i) {
    free(inputs[i]);
    free(outputs[i]);
    free(expected[i]);
  }
  free(arena);
  return mismatches;
}

int main(void) {
  printf("small_cnn compiled for %s (%s, -%s); mlp for %s (%s, -%s)\n", SMALL_CNN_KILN_TARGET,
         SMALL_CNN_KILN_CPU, SMALL_CNN_KILN_OPT_LEVEL, MLP_KILN_TARGET, MLP_KILN_CPU,
         MLP_KILN_OPT_LEVEL);
  long a = check_model(&small_cnn_model, "small_cnn");
  long b = check_model(&mlp_model, "mlp");
  if (a != 0 || b != 0) {
    printf("outputs differ from PyTorch (small_cnn: %ld, mlp: %ld mismatches)\n", a, b);
    return 1;
  }
  printf("outputs match PyTorch (rtol 1e-4, atol 1e-5)\n");
  return 0;
}
