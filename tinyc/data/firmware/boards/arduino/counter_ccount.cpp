/* Counter for the ESP32 family (Xtensa): the CCOUNT cycle register, widened to 64 bits. */
#include <Arduino.h>

#include "board.h"

static uint32_t last_value;
static uint64_t cycles;

extern "C" void board_counter_init(void)
{
    last_value = ESP.getCycleCount();
    cycles = 0;
}

extern "C" uint64_t board_counter_read(void)
{
    uint32_t now = ESP.getCycleCount();
    cycles += (uint32_t)(now - last_value);
    last_value = now;
    return cycles;
}

extern "C" board_counter_info board_counter_unit(void)
{
    board_counter_info info = {"cycles", 1, 1};
    return info;
}
