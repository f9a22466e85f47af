/* Firmware written only against the documented export API of kws and ad01, on a board's
 * UART (firmware/boards/board.h): runs both models on the fixed inputs of inputs.h (written
 * by the test) and prints every output as a hex line, then END.
 *   kws <hex of KWS_OUTPUT0_BYTES bytes>
 *   ad01 <hex of AD01_OUTPUT0_BYTES bytes>      ... per sample */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "kws.h"
#include "ad01.h"
#include "inputs.h"   /* N_SAMPLES, kws_inputs[N][KWS_INPUT0_BYTES], ad01_inputs[N][...] */

static void print(const char *s)
{
    board_uart_write((const uint8_t *)s, (uint32_t)strlen(s));
}

static void print_hex(const char *label, const uint8_t *p, int n)
{
    static const char digits[] = "0123456789abcdef";
    print(label);
    print(" ");
    for (int i = 0; i < n; i++) {
        uint8_t h[2] = {(uint8_t)digits[p[i] >> 4], (uint8_t)digits[p[i] & 15]};
        board_uart_write(h, 2);
    }
    print("\n");
}

int main(void)
{
    board_init();
    if (kws_init() != 0 || ad01_init() != 0)
        print("init failed\n");
    for (int s = 0; s < N_SAMPLES; s++) {
        memcpy(kws_input(0), kws_inputs[s], KWS_INPUT0_BYTES);
        if (kws_invoke() != 0)
            print("kws_invoke failed\n");
        print_hex("kws", kws_output(0), KWS_OUTPUT0_BYTES);
        memcpy(ad01_input(0), ad01_inputs[s], AD01_INPUT0_BYTES);
        if (ad01_invoke() != 0)
            print("ad01_invoke failed\n");
        print_hex("ad01", ad01_output(0), AD01_OUTPUT0_BYTES);
    }
    print("END\n");
    for (;;) {
    }
}
