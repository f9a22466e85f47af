/* Bare-metal Cortex-M startup: vector table and reset handler. The symbols come from the
 * linker script tinyc/build/linker.py writes from the board's memory map. */
#include <stdint.h>

extern uint32_t __stack_top;
extern uint32_t __data_load, __data_start, __data_end;
extern uint32_t __bss_start, __bss_end;
typedef void (*init_fn)(void);
extern init_fn __preinit_array_start[], __preinit_array_end[];
extern init_fn __init_array_start[], __init_array_end[];

int main(void);
void Reset_Handler(void);

#ifndef TINYC_N_IRQ
#define TINYC_N_IRQ 48
#endif

/* A fault parks the core; the host sees a silent board and says so. */
static void Default_Handler(void)
{
    for (;;) {
    }
}

__attribute__((section(".isr_vector"), used))
const void *const tinyc_vectors[16 + TINYC_N_IRQ] = {
    [0] = &__stack_top,
    [1] = (const void *)Reset_Handler,
    [2 ... 15 + TINYC_N_IRQ] = (const void *)Default_Handler,
};

void Reset_Handler(void)
{
    uint32_t *src = &__data_load;
    for (uint32_t *dst = &__data_start; dst < &__data_end;)
        *dst++ = *src++;
    for (uint32_t *dst = &__bss_start; dst < &__bss_end;)
        *dst++ = 0;
#if defined(__ARM_FP)
    /* CP10/CP11 full access, or the first FP instruction faults. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm volatile("dsb\n\tisb" ::: "memory");
#endif
    /* Bare metal has no crt0 to run C++ constructors. */
    for (init_fn *f = __preinit_array_start; f < __preinit_array_end; f++)
        (*f)();
    for (init_fn *f = __init_array_start; f < __init_array_end; f++)
        (*f)();
    main();
    for (;;) {
    }
}
