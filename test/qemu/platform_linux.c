/* Hosted Linux (x86_64, aarch64, armv7, riscv64 under qemu-user). */
#include "platform.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void platform_write(const char *text) {
  size_t n = strlen(text);
  while (n > 0) {
    ssize_t w = write(1, text, n);
    if (w <= 0)
      return;
    text += w;
    n -= (size_t)w;
  }
}

void platform_exit(int status) { exit(status); }
