/* The host board: the protocol on stdin/stdout (binary, unbuffered), a nanosecond clock. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include "board.h"

static uint8_t rx_buf[4096];
static ssize_t rx_len, rx_pos;

void board_init(void)
{
    board_counter_init();
}

void board_uart_write(const uint8_t *data, uint32_t len)
{
    while (len > 0) {
        ssize_t n = write(STDOUT_FILENO, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(1); /* the host went away */
        data += n;
        len -= (uint32_t)n;
    }
}

int board_uart_read_byte(void)
{
    while (rx_pos >= rx_len) {
        rx_len = read(STDIN_FILENO, rx_buf, sizeof rx_buf);
        rx_pos = 0;
        if (rx_len < 0 && errno == EINTR)
            continue;
        if (rx_len <= 0)
            return -1;
    }
    return rx_buf[rx_pos++];
}

void board_counter_init(void)
{
}

uint64_t board_counter_read(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

board_counter_info board_counter_unit(void)
{
    board_counter_info info = {"ns", 1, 1};
    return info;
}
