/* The board support API the protocol harness uses: a byte pipe to the host and a
 * free-running counter. One implementation per board family in firmware/boards/<name>/;
 * real Cortex-M boards pair their UART glue with dwt/counter_dwt.c. */
#ifndef TINYC_BOARD_H
#define TINYC_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Clocks, UART and counter up; called once before anything else. */
void board_init(void);

/* Blocking write of `len` bytes to the host. */
void board_uart_write(const uint8_t *data, uint32_t len);

/* Blocking read of one byte: 0..255, or -1 when the link is closed for good (host pipe). */
int board_uart_read_byte(void);

/* Counter: board_counter_init() (re)starts it from 0; the harness restarts it before each
 * measurement. board_counter_read() is a 64-bit, monotonically increasing raw count;
 * implementations that widen a 32-bit hardware counter need one read per wrap at least. */
void board_counter_init(void);
uint64_t board_counter_read(void);

/* What the raw count means: `raw * num / den` is a count of `unit`
 * ("instructions", "cycles", "ns", or "none" when there is no counter). */
typedef struct {
    const char *unit;
    uint32_t num;
    uint32_t den;
} board_counter_info;

board_counter_info board_counter_unit(void);

#ifdef __cplusplus
}
#endif

#endif /* TINYC_BOARD_H */
