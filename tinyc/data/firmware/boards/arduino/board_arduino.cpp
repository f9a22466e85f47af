/* Board glue for every Arduino core (Mbed nRF52840 and RP2040, STM32duino, ESP32): the
 * tinyc UART is the framework's `Serial`, and the protocol harness (harness.c, built with
 * -Dmain=tinyc_main) runs from setup() and never returns. The counter comes from a
 * separate file chosen per board (dwt/counter_dwt.c, counter_micros.cpp, counter_ccount.cpp). */
#include <Arduino.h>

#include "board.h"

#ifndef TINYC_BAUD
#define TINYC_BAUD 115200
#endif

extern "C" int tinyc_main(void);

extern "C" void board_init(void)
{
    Serial.begin(TINYC_BAUD);
    /* USB CDC: wait for the host to open the port, so the HELLO frame is not lost.
     * On a UART bridge `Serial` is always true. */
    while (!Serial) {
        delay(10);
    }
    board_counter_init();
}

extern "C" void board_uart_write(const uint8_t *data, uint32_t len)
{
    while (len > 0) {
        size_t n = Serial.write(data, len);
        data += n;
        len -= (uint32_t)n;
        if (n == 0)
            yield();
    }
    Serial.flush();
}

extern "C" int board_uart_read_byte(void)
{
    while (Serial.available() <= 0)
        yield();
    return Serial.read() & 0xFF;
}

void setup(void)
{
    tinyc_main();
}

void loop(void)
{
}
