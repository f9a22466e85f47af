/* The tinyc device protocol: framed binary over a byte pipe (UART, socket, stdio).
 *
 *   frame = SOF(0xA5) LEN CMD SEQ PAYLOAD[LEN] CRC32
 *
 * LEN is the payload length (0..255), CRC32 (IEEE, little-endian) covers LEN CMD SEQ PAYLOAD.
 * A reply carries CMD | 0x80 and the request's SEQ. All integers are little-endian.
 * tinyc/device/protocol.py is the host side; keep both in step and bump the version. */
#ifndef TINYC_PROTOCOL_H
#define TINYC_PROTOCOL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PROTO_VERSION 1
#define PROTO_SOF 0xA5u
#define PROTO_MAX_PAYLOAD 255u
#define PROTO_OVERHEAD 8u /* SOF LEN CMD SEQ + CRC32 */
#define PROTO_REPLY 0x80u

enum proto_cmd {
    PROTO_INFO = 0x01,       /* -> model and board description */
    PROTO_TENSOR = 0x02,     /* [kind 0=input 1=output, index] -> tensor description */
    PROTO_SET_INPUT = 0x03,  /* [index, offset u32, data...] -> [] */
    PROTO_INVOKE = 0x04,     /* [flags: bit0 profile, bit1 reset the state first]
                              * -> [status, raw count u64, n_profiled u16]
                              * and, when status != 0: [failed op u16 (0xFFFF: unknown),
                              * kernel status i32] */
    PROTO_GET_OUTPUT = 0x05, /* [index, offset u32, length] -> data */
    PROTO_PROFILE = 0x06,    /* [first u16, n] -> n x [op u16, raw count since start u64] */
    PROTO_BOOT = 0x07,       /* -> [boot id u32]: changes when the board restarts */
    PROTO_BUSY = 0x7D,       /* sent as 0xFD before a long command runs: [] */
    PROTO_HELLO = 0x7E,      /* device -> host once at boot: [version, boot id u32] */
    PROTO_ERROR = 0x7F,      /* sent as 0xFF: [code, offending cmd] */
};

enum proto_error {
    PROTO_ERR_CRC = 1,         /* frame damaged: the host resynchronises and resends */
    PROTO_ERR_UNKNOWN_CMD = 2,
    PROTO_ERR_BAD_ARG = 3,     /* index, offset or length out of range */
    PROTO_ERR_INIT_FAILED = 4, /* tinyc_init() failed: the model cannot run */
};

/* INFO's last byte: what tinyc_selfcheck() found at boot. */
enum {
    PROTO_SELFCHECK_NONE = 0,    /* the model code has no selfcheck */
    PROTO_SELFCHECK_OK = 1,      /* the weights' CRC-32 is the one computed at compile time */
    PROTO_SELFCHECK_FAILED = 2,  /* it is not: the image in flash is damaged */
};

typedef struct {
    uint8_t cmd;
    uint8_t seq;
    uint8_t len;
    uint8_t payload[PROTO_MAX_PAYLOAD];
} proto_frame;

typedef enum {
    PROTO_RX_OK = 0,
    PROTO_RX_BAD_CRC = 1,
    PROTO_RX_CLOSED = -1,
} proto_rx_status;

uint32_t proto_crc32(uint32_t crc, const uint8_t *data, uint32_t len);

/* Blocks until a whole frame has been read (bytes before a SOF are skipped). */
proto_rx_status proto_read_frame(proto_frame *f);

void proto_write_frame(uint8_t cmd, uint8_t seq, const uint8_t *payload, uint8_t len);

#ifdef __cplusplus
}
#endif

#endif /* TINYC_PROTOCOL_H */
