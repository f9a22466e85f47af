/* Arm MPS2 (AN386 Cortex-M4, AN500 Cortex-M7, AN505 Cortex-M33) as emulated by QEMU: CMSDK
 * UART0 and CMSDK timer0 at the addresses the board file gives (tinyc/build/cmake.py
 * board_defines). Register layout from the CMSDK documentation; no vendor headers. */
#include <stdint.h>

#include "board.h"

#ifndef BOARD_UART_BASE
#define BOARD_UART_BASE 0x40004000u
#endif
#ifndef BOARD_UART_IRQ
#define BOARD_UART_IRQ 0
#endif
#ifndef BOARD_TIMER_BASE
#define BOARD_TIMER_BASE 0x40000000u
#endif
/* instructions per timer tick under -icount, as NUM / DEN (25 MHz, shift 6: 5 / 8) */
#ifndef BOARD_TICKS_NUM
#define BOARD_TICKS_NUM 5u
#define BOARD_TICKS_DEN 8u
#endif
#define TIMER0_BASE BOARD_TIMER_BASE

#define REG(addr) (*(volatile uint32_t *)(addr))

#define UART_DATA REG(BOARD_UART_BASE + 0x00)
#define UART_STATE REG(BOARD_UART_BASE + 0x04)
#define UART_CTRL REG(BOARD_UART_BASE + 0x08)
#define UART_INTCLEAR REG(BOARD_UART_BASE + 0x0C)
#define UART_BAUDDIV REG(BOARD_UART_BASE + 0x10)

#define UART_STATE_TX_FULL 1u
#define UART_STATE_RX_FULL 2u
#define UART_CTRL_TX_EN 1u
#define UART_CTRL_RX_EN 2u
#define UART_CTRL_RX_INT_EN 8u
#define UART_INT_RX 2u

#define TIMER_CTRL REG(TIMER0_BASE + 0x00)
#define TIMER_VALUE REG(TIMER0_BASE + 0x04)
#define TIMER_RELOAD REG(TIMER0_BASE + 0x08)

/* the UART's NVIC line: word BOARD_UART_IRQ / 32 of each register bank */
#define NVIC_ISER REG(0xE000E100u + 4u * (BOARD_UART_IRQ / 32u))
#define NVIC_ICER REG(0xE000E180u + 4u * (BOARD_UART_IRQ / 32u))
#define NVIC_ICPR REG(0xE000E280u + 4u * (BOARD_UART_IRQ / 32u))
#define UART_IRQ_BIT (1u << (BOARD_UART_IRQ % 32u))

void board_init(void)
{
    UART_BAUDDIV = 16;
    UART_CTRL = UART_CTRL_TX_EN | UART_CTRL_RX_EN;
    board_counter_init();
}

void board_uart_write(const uint8_t *data, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        while (UART_STATE & UART_STATE_TX_FULL) {
        }
        UART_DATA = data[i];
    }
}

/* Polling the status register is slow under QEMU; sleeping in WFI until the RX interrupt
 * is pending is ~7x faster. PRIMASK stays set, so the IRQ wakes WFI without a handler.
 * The NVIC line is enabled only after interrupts are masked (the other order can fault). */
int board_uart_read_byte(void)
{
    if (UART_STATE & UART_STATE_RX_FULL)
        return (int)(UART_DATA & 0xFFu);
    uint32_t primask;
    __asm volatile("mrs %0, primask" : "=r"(primask));
    __asm volatile("cpsid i" ::: "memory");
    UART_CTRL |= UART_CTRL_RX_INT_EN;
    NVIC_ISER = UART_IRQ_BIT;
    while (!(UART_STATE & UART_STATE_RX_FULL))
        __asm volatile("wfi" ::: "memory");
    int c = (int)(UART_DATA & 0xFFu);
    UART_CTRL &= ~UART_CTRL_RX_INT_EN;
    NVIC_ICER = UART_IRQ_BIT;
    UART_INTCLEAR = UART_INT_RX;
    NVIC_ICPR = UART_IRQ_BIT;
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
    return c;
}

/* Timer0 counts down in virtual time. On AN386 (25 MHz, `-icount shift=6`) one instruction
 * takes 64 ns = 1.6 ticks, so after m instructions ticks = floor(1.6 m), and m is the one
 * integer in [ticks / 1.6, (ticks + 1) / 1.6): ceil(ticks * 5 / 8); in general
 * ceil(ticks * NUM / DEN) with NUM / DEN instructions per tick (AN505, 20 MHz: 25 / 32).
 * Converting the absolute count (not differences) keeps every difference exact. */
static uint32_t last_value;
static uint64_t ticks;

void board_counter_init(void)
{
    TIMER_CTRL = 0;
    TIMER_RELOAD = 0xFFFFFFFFu;
    TIMER_VALUE = 0xFFFFFFFFu;
    TIMER_CTRL = 1;
    last_value = TIMER_VALUE;
    ticks = 0;
}

uint64_t board_counter_read(void)
{
    uint32_t now = TIMER_VALUE;
    ticks += (uint32_t)(last_value - now); /* down-counter: wrap-safe in 32 bits */
    last_value = now;
    return (ticks * BOARD_TICKS_NUM + (BOARD_TICKS_DEN - 1u)) / BOARD_TICKS_DEN;
}

board_counter_info board_counter_unit(void)
{
    board_counter_info info = {"instructions", 1, 1};
    return info;
}
