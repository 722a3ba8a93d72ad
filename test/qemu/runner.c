/* The portable test runner: links one model object (compiled with
 * `kilnc --name=model`), runs it on the inputs of case.c and compares every
 * output with PyTorch's, with the same rule as `kiln-run --check`:
 * |out - expected| <= atol + rtol |expected| elementwise, or with a scaled
 * tolerance T, max |out - expected| <= T max(1, max |expected|). Needs no C
 * library: text goes through platform.h. Prints one line per output and a
 * final "kiln-qemu: PASS" or "kiln-qemu: FAIL". */
#include "case.h"
#include "model.h"
#include "platform.h"

#include <stddef.h>
#include <stdint.h>

static unsigned char arena[MODEL_ARENA_SIZE > 0 ? MODEL_ARENA_SIZE : 1]
    __attribute__((aligned(MODEL_ARENA_ALIGN)));

/* --- text without a C library --------------------------------------------- */

static char line[256];
static size_t used;

static void put(const char *s) {
  while (*s && used + 1 < sizeof line)
    line[used++] = *s++;
  line[used] = 0;
}

static void flush(void) {
  put("\n");
  platform_write(line);
  used = 0;
  line[0] = 0;
}

static void put_uint(uint32_t v) {
  char digits[12];
  int n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  char text[12];
  for (int i = 0; i < n; ++i)
    text[i] = digits[n - 1 - i];
  text[n] = 0;
  put(text);
}

/* x as d.ddde[+-]xx, in float arithmetic only. */
static void put_float(float x) {
  if (x != x) {
    put("nan");
    return;
  }
  if (x < 0) {
    put("-");
    x = -x;
  }
  if (x > 3.4e38f) {
    put("inf");
    return;
  }
  int exponent = 0;
  if (x != 0) {
    while (x >= 10.0f) {
      x /= 10.0f;
      ++exponent;
    }
    while (x < 1.0f) {
      x *= 10.0f;
      --exponent;
    }
  }
  uint32_t digits = (uint32_t)(x * 1000.0f + 0.5f);
  if (digits >= 10000) {
    digits /= 10;
    ++exponent;
  }
  char text[16];
  text[0] = (char)('0' + digits / 1000);
  text[1] = '.';
  text[2] = (char)('0' + digits / 100 % 10);
  text[3] = (char)('0' + digits / 10 % 10);
  text[4] = (char)('0' + digits % 10);
  text[5] = 'e';
  text[6] = exponent < 0 ? '-' : '+';
  int e = exponent < 0 ? -exponent : exponent;
  text[7] = (char)('0' + e / 10);
  text[8] = (char)('0' + e % 10);
  text[9] = 0;
  put(text);
}

/* --- checks ------------------------------------------------------------------ */

/* Element i of an output or an expected value, as a float. */
static float element(const void *data, int dtype, size_t i) {
  switch (dtype) {
  case KILN_DTYPE_FLOAT32:
    return ((const float *)data)[i];
  case KILN_DTYPE_INT64:
    /* Through 32 bits: no 64-bit conversion helpers on 32-bit targets. */
    return (float)(int32_t)((const int64_t *)data)[i];
  case KILN_DTYPE_INT32:
    return (float)((const int32_t *)data)[i];
  case KILN_DTYPE_BOOL:
  case KILN_DTYPE_UINT8:
    return (float)((const uint8_t *)data)[i];
  case KILN_DTYPE_INT8:
    return (float)((const int8_t *)data)[i];
  default:
    return 0.0f / 0.0f;
  }
}

static float magnitude(float x) { return x < 0 ? -x : x; }

/* FNV-1a of n bytes: the digest the cross-target tests compare
 * (test/qemu/check_identical.sh). */
static uint32_t fnv1a(const void *data, size_t n) {
  const uint8_t *p = (const uint8_t *)data;
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; ++i)
    h = (h ^ p[i]) * 16777619u;
  return h;
}

#ifndef KILN_QEMU_RUNS
#define KILN_QEMU_RUNS 1
#endif

int main(void) {
  const kiln_model_t *m = &model_model;
  const void *inputs[CASE_NUM_INPUTS > 0 ? CASE_NUM_INPUTS : 1];
  void *outputs[CASE_NUM_OUTPUTS > 0 ? CASE_NUM_OUTPUTS : 1];
  for (int i = 0; i < CASE_NUM_INPUTS; ++i)
    inputs[i] = case_inputs[i];
  for (int i = 0; i < CASE_NUM_OUTPUTS; ++i)
    outputs[i] = case_outputs[i];
  if (m->num_inputs != CASE_NUM_INPUTS || m->num_outputs != CASE_NUM_OUTPUTS) {
    put("kiln-qemu: the case does not match the model's interface");
    flush();
    put("kiln-qemu: FAIL");
    flush();
    return 1;
  }
  kiln_status_t status = KILN_STATUS_OK;
  /* KILN_QEMU_RUNS inferences (default 1): tools/sizes/sizes.sh counts the
   * instructions of one inference as those of 2 runs less those of 1. */
  for (int run = 0; run < KILN_QEMU_RUNS && status == KILN_STATUS_OK; ++run)
    status = model_run(inputs, outputs, arena);
  if (status != KILN_STATUS_OK) {
    put("kiln-qemu: model_run returned status ");
    put_uint((uint32_t)status);
    flush();
    put("kiln-qemu: FAIL");
    flush();
    return 1;
  }
  int failures = 0;
  for (int k = 0; k < CASE_NUM_OUTPUTS; ++k) {
    const kiln_tensor_desc_t *d = &m->outputs[k];
    size_t count = case_output_elements[k];
    float maxRef = 0, maxErr = 0;
    size_t bad = 0;
    for (size_t i = 0; i < count; ++i) {
      float ref = element(case_expected[k], case_expected_dtypes[k], i);
      if (magnitude(ref) > maxRef)
        maxRef = magnitude(ref);
    }
    float bound = CASE_SCALED_TOL * (maxRef > 1 ? maxRef : 1);
    for (size_t i = 0; i < count; ++i) {
      float out = element(case_outputs[k], (int)d->dtype, i);
      float ref = element(case_expected[k], case_expected_dtypes[k], i);
      float err = magnitude(out - ref);
      int same = (out != out && ref != ref) || out == ref;
      if (!same && !(err <= maxErr))
        maxErr = err != err ? 3.4e38f : err;
      if (same)
        continue;
      int ok = CASE_SCALED_TOL >= 0 ? err <= bound : err <= CASE_ATOL + CASE_RTOL * magnitude(ref);
      if (!ok)
        ++bad;
    }
    put("output ");
    put_uint((uint32_t)k);
    put(" (");
    put(d->name);
    put("): max abs error ");
    put_float(maxErr);
    put(bad ? ": MISMATCH (" : ": ok");
    if (bad) {
      put_uint((uint32_t)bad);
      put(" elements)");
      ++failures;
    }
    flush();
    put("kiln-qemu: output ");
    put_uint((uint32_t)k);
    put(" fnv1a ");
    put_uint(fnv1a(case_outputs[k], count * kiln_dtype_size(d->dtype)));
    flush();
  }
  put(failures ? "kiln-qemu: FAIL" : "kiln-qemu: PASS");
  flush();
  return failures ? 1 : 0;
}
