/* Counter for Arduino cores without a cycle counter tinyc can use (RP2040's Cortex-M0+ has
 * no DWT): micros() widened to 64 bits, reported in ns. */
#include <Arduino.h>

#include "board.h"

static uint32_t last_value;
static uint64_t total;

extern "C" void board_counter_init(void)
{
    last_value = (uint32_t)micros();
    total = 0;
}

extern "C" uint64_t board_counter_read(void)
{
    uint32_t now = (uint32_t)micros();
    total += (uint32_t)(now - last_value);
    last_value = now;
    return total;
}

extern "C" board_counter_info board_counter_unit(void)
{
    board_counter_info info = {"ns", 1000, 1};
    return info;
}
