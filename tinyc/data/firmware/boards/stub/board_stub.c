/* A UART-less board layer, for proving that a real board's sources compile, link and fit
 * with the system arm-none-eabi-gcc when its PlatformIO platform cannot be installed. The
 * program it makes is never flashed: writes are dropped and the first read ends the
 * harness. The counter comes from dwt/counter_dwt.c or counter_none.c. */
#include <stdint.h>

#include "board.h"

static volatile uint8_t sink;

void board_init(void)
{
    board_counter_init();
}

void board_uart_write(const uint8_t *data, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++)
        sink = data[i];
}

int board_uart_read_byte(void)
{
    return -1;
}
