/* Reset code for Cortex-M4/M7/M55 under QEMU's mps2/mps3 boards: the vector table
 * (initial stack pointer, reset handler), enabling the FPU (CPACR, full access
 * to CP10 and CP11), then main. QEMU loads the ELF's segments itself, .bss
 * zero-filled, so nothing is copied. */
#include "platform.h"

#include <stdint.h>

int main(void);
extern uint32_t __stack_top;

static void reset(void) {
  volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88;
  *cpacr |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  platform_exit(main());
}

static void fault(void) { platform_exit(3); }

__attribute__((section(".vectors"), used)) const void *const vectors[16] = {
    &__stack_top, (const void *)reset, (const void *)fault, (const void *)fault,
    (const void *)fault, (const void *)fault, (const void *)fault,
};
