/* Cycle counter for real Cortex-M3/M4/M7/M33 boards: DWT CYCCNT widened to 64 bits.
 * (QEMU does not model it: under emulation use the board's timer instead.)
 * Pair with the board's UART glue, which calls board_counter_init() from board_init(). */
#include <stdint.h>

#include "board.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define DEMCR REG(0xE000EDFCu)
#define DWT_CTRL REG(0xE0001000u)
#define DWT_CYCCNT REG(0xE0001004u)
#define DWT_LAR REG(0xE0001FB0u)

#define DEMCR_TRCENA (1u << 24)
#define DWT_CTRL_CYCCNTENA 1u
#define DWT_LAR_UNLOCK 0xC5ACCE55u /* Cortex-M7 locks the DWT until this is written */

static uint32_t last_value;
static uint64_t cycles;

void board_counter_init(void)
{
    DEMCR |= DEMCR_TRCENA;
    DWT_LAR = DWT_LAR_UNLOCK;
    DWT_CYCCNT = 0;
    DWT_CTRL |= DWT_CTRL_CYCCNTENA;
    last_value = 0;
    cycles = 0;
}

uint64_t board_counter_read(void)
{
    uint32_t now = DWT_CYCCNT;
    cycles += (uint32_t)(now - last_value);
    last_value = now;
    return cycles;
}

board_counter_info board_counter_unit(void)
{
    board_counter_info info = {"cycles", 1, 1};
    return info;
}
