/* The runner's only dependencies on the machine it runs on: writing text and
 * ending the program. One implementation per kind of target:
 * platform_linux.c (hosted Linux under qemu-user), platform_semihosting.c
 * (Cortex-M under qemu-system-arm -semihosting), platform_hexagon.c (Linux
 * system calls by trap0 under qemu-hexagon). */
#ifndef KILN_QEMU_PLATFORM_H
#define KILN_QEMU_PLATFORM_H

void platform_write(const char *text);
void platform_exit(int status) __attribute__((noreturn));

#endif
