/*
 * Start-up code of the firmware: the vector table, the reset handler (FPU on, .bss
 * zeroed, main, exit through semihosting) and the SysTick handler that counts timer
 * wrap-arounds for cycle measurements.
 */
#include <stdint.h>

int main(void);
void semihosting_exit(int status);
extern uint32_t __stack_top, __bss_start, __bss_end;

/* SysTick wrap-arounds since systick_start(); read by main.c. */
volatile uint32_t systick_wraps;

void reset_handler(void) {
  /* CPACR: full access to the FPU (coprocessors 10 and 11). */
  *(volatile uint32_t *)0xE000ED88 |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  for (uint32_t *p = &__bss_start; p < &__bss_end; ++p)
    *p = 0;
  semihosting_exit(main());
}

static void fault_handler(void) { semihosting_exit(3); }

static void systick_handler(void) { ++systick_wraps; }

__attribute__((section(".vectors"), used)) static const void *const vectors[16] = {
    &__stack_top,  reset_handler, fault_handler, fault_handler, fault_handler, fault_handler,
    fault_handler, 0,             0,             0,             0,             fault_handler,
    fault_handler, 0,             fault_handler, systick_handler,
};
