/*
 * Keyword spotting on a Cortex-M7 with a model compiled ahead of time by Kiln
 * (kws.o and kws.h from kiln_add_model()). No C library: output goes through
 * semihosting, the arena is a static buffer, the sample input is linked into
 * the image.
 *
 * Prints the class the model picks and the core cycles the inference took,
 * counted by SysTick at the processor clock. (Under QEMU, which is not cycle-
 * accurate, SysTick follows the emulator's virtual clock.)
 */
#include "kws.h"

#include <stdint.h>

/* The sample input, a float32 .npy file: a 10-byte preamble, a text header,
 * then the data. */
__asm__(".section .rodata.kws_input,\"a\"\n"
        ".p2align 2\n"
        ".global kws_input_npy\n"
        "kws_input_npy:\n"
        ".incbin \"" KWS_INPUT_NPY "\"\n"
        ".global kws_input_npy_end\n"
        "kws_input_npy_end:\n"
        ".previous\n");
extern const unsigned char kws_input_npy[], kws_input_npy_end[];

static unsigned char arena[KWS_ARENA_SIZE ? KWS_ARENA_SIZE : 1]
    __attribute__((aligned(KWS_ARENA_ALIGN)));
static float input[KWS_INPUT_0_BYTES / sizeof(float)];
static float output[KWS_OUTPUT_0_BYTES / sizeof(float)];

/* --- semihosting (SYS_WRITE0, SYS_EXIT) --------------------------------------- */
static int semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

static void write_text(const char *text) { semihost(0x04, text); }

static void write_int(int64_t value) {
  char buf[24], *p = buf + sizeof buf - 1;
  uint64_t v = value < 0 ? (uint64_t)-value : (uint64_t)value;
  *p = '\0';
  do {
    *--p = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  if (value < 0)
    *--p = '-';
  write_text(p);
}

void semihosting_exit(int status) {
  /* ADP_Stopped_ApplicationExit ends QEMU with status 0, RunTimeErrorUnknown with 1. */
  semihost(0x18, (const void *)(status == 0 ? 0x20026 : 0x20023));
  for (;;) {
  }
}

/* --- cycles: SysTick at the processor clock, counting down from 2^24 - 1 ----- */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04)
extern volatile uint32_t systick_wraps;

static void systick_start(void) {
  systick_wraps = 0;
  SYST_RVR = 0xFFFFFFu;
  SYST_CVR = 0;
  SYST_CSR = 7u; /* enable, interrupt on wrap, processor clock */
}

static uint64_t systick_stop(void) {
  uint32_t now = SYST_CVR;
  SYST_CSR = 0;
  uint64_t wraps = systick_wraps;
  if ((SCB_ICSR & (1u << 26)) && now > 0x800000u) /* wrapped; the interrupt has not run */
    ++wraps;
  return wraps * 0x1000000u + (0xFFFFFFu - now);
}

/* --- the model ----------------------------------------------------------------- */
static int load_input(void) {
  const unsigned char *npy = kws_input_npy;
  uint32_t header = (uint32_t)npy[8] | (uint32_t)npy[9] << 8;
  const unsigned char *data = npy + 10 + header;
  if (npy[0] != 0x93 || npy[6] != 1 || (uint32_t)(kws_input_npy_end - data) != sizeof input)
    return -1;
  unsigned char *dst = (unsigned char *)input;
  for (uint32_t i = 0; i < sizeof input; ++i)
    dst[i] = data[i];
  return 0;
}

int main(void) {
  write_text("kws: Kiln model for " KWS_KILN_TARGET " (" KWS_KILN_CPU ", -" KWS_KILN_OPT_LEVEL
             "), arena ");
  write_int(KWS_ARENA_SIZE);
  write_text(" bytes\n");
  if (load_input() != 0) {
    write_text("kws: the linked input is not the model's input\n");
    return 1;
  }
  const void *inputs[] = {input};
  void *outputs[] = {output};
  systick_start();
  kiln_status_t status = kws_run(inputs, outputs, arena);
  uint64_t cycles = systick_stop();
  if (status != KILN_STATUS_OK) {
    write_text("kws: kws_run failed with status ");
    write_int(status);
    write_text("\n");
    return 1;
  }
  uint32_t best = 0;
  for (uint32_t i = 1; i < sizeof output / sizeof output[0]; ++i)
    if (output[i] > output[best])
      best = i;
  write_text("kws: class ");
  write_int(best);
  write_text(" (score x1000: ");
  write_int((int64_t)(output[best] * 1000.0f));
  write_text("), ");
  write_int((int64_t)cycles);
  write_text(" cycles\n");
  return 0;
}
