/* Hexagon under qemu-hexagon: Linux system calls by trap0(#1), number in r6,
 * arguments in r0-r2 (asm-generic numbers: write 64, exit 93). The program
 * starts at _start, with no C library. */
#include "platform.h"

int main(void);

static long syscall3(long number, long a, long b, long c) {
  register long r0 __asm__("r0") = a;
  register long r1 __asm__("r1") = b;
  register long r2 __asm__("r2") = c;
  register long r6 __asm__("r6") = number;
  __asm__ volatile("trap0(#1)" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r6) : "memory");
  return r0;
}

void platform_write(const char *text) {
  long n = 0;
  while (text[n])
    ++n;
  syscall3(64, 1, (long)text, n);
}

void platform_exit(int status) {
  syscall3(93, status, 0, 0);
  for (;;) {
  }
}

void _start(void) { platform_exit(main()); }
