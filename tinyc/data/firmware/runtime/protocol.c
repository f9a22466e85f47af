#include "protocol.h"

#include "board.h"
#include "tinyc_model.h"   /* tinyc_crc32 */

uint32_t proto_crc32(uint32_t crc, const uint8_t *data, uint32_t len)
{
    return tinyc_crc32(crc, data, len);
}

proto_rx_status proto_read_frame(proto_frame *f)
{
    int c;
    do {
        c = board_uart_read_byte();
        if (c < 0)
            return PROTO_RX_CLOSED;
    } while (c != PROTO_SOF);

    uint8_t head[3];
    for (int i = 0; i < 3; i++) {
        if ((c = board_uart_read_byte()) < 0)
            return PROTO_RX_CLOSED;
        head[i] = (uint8_t)c;
    }
    f->len = head[0];
    f->cmd = head[1];
    f->seq = head[2];
    for (uint32_t i = 0; i < f->len; i++) {
        if ((c = board_uart_read_byte()) < 0)
            return PROTO_RX_CLOSED;
        f->payload[i] = (uint8_t)c;
    }
    uint32_t crc = 0;
    for (int i = 0; i < 4; i++) {
        if ((c = board_uart_read_byte()) < 0)
            return PROTO_RX_CLOSED;
        crc |= (uint32_t)c << (8 * i);
    }
    uint32_t want = proto_crc32(proto_crc32(0, head, 3), f->payload, f->len);
    return crc == want ? PROTO_RX_OK : PROTO_RX_BAD_CRC;
}

void proto_write_frame(uint8_t cmd, uint8_t seq, const uint8_t *payload, uint8_t len)
{
    static uint8_t buf[PROTO_MAX_PAYLOAD + PROTO_OVERHEAD];
    buf[0] = PROTO_SOF;
    buf[1] = len;
    buf[2] = cmd;
    buf[3] = seq;
    for (uint32_t i = 0; i < len; i++)
        buf[4 + i] = payload[i];
    uint32_t crc = proto_crc32(0, buf + 1, 3u + len);
    for (int i = 0; i < 4; i++)
        buf[4 + len + i] = (uint8_t)(crc >> (8 * i));
    board_uart_write(buf, PROTO_OVERHEAD + len);
}
