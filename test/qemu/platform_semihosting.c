/* Cortex-M under qemu-system-arm -semihosting: `bkpt 0xab` with the operation
 * in r0 and its argument in r1 (SYS_WRITE0 = 0x04, SYS_EXIT = 0x18). */
#include "platform.h"

static int semihost(int op, const void *arg) {
  register int r0 __asm__("r0") = op;
  register const void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void platform_write(const char *text) { semihost(0x04, text); }

void platform_exit(int status) {
  /* ADP_Stopped_ApplicationExit (0x20026) or ADP_Stopped_RunTimeErrorUnknown (0x20023). */
  semihost(0x18, (const void *)(status == 0 ? 0x20026 : 0x20023));
  for (;;) {
  }
}
