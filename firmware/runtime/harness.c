/* The device program every backend shares: serves the tinyc protocol (protocol.h) over
 * the board's UART, using only the model API (tinyc_model.h) and the board API (board.h). */
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "protocol.h"
#include "tinyc_model.h"

#ifndef TINYC_PROFILE_MAX_OPS
#define TINYC_PROFILE_MAX_OPS 256
#endif

static tinyc_status init_status;
static uint32_t boot_id;
static uint8_t selfcheck;   /* PROTO_SELFCHECK_*: the weights' CRC, checked at boot */
static uint64_t invoke_start;
static uint16_t n_profiled;
static uint16_t profile_op[TINYC_PROFILE_MAX_OPS];
static uint64_t profile_count[TINYC_PROFILE_MAX_OPS];

static proto_frame req;
static uint8_t out[PROTO_MAX_PAYLOAD];

/* The last request served and its reply: a resent request (the host lost the reply) is
 * answered again without running it twice. */
static uint8_t last_cmd, last_seq, last_len, last_reply_cmd, last_reply_len;
static uint32_t last_crc;
static uint8_t last_reply[PROTO_MAX_PAYLOAD];

static void put_u16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t put_str(uint8_t *p, const char *s, uint32_t max)
{
    uint32_t n = (uint32_t)strlen(s);
    if (n > max)
        n = max;
    p[0] = (uint8_t)n;
    memcpy(p + 1, s, n);
    return n + 1;
}

static void on_op_done(int op_index)
{
    if (n_profiled < TINYC_PROFILE_MAX_OPS) {
        profile_op[n_profiled] = (uint16_t)op_index;
        profile_count[n_profiled] = board_counter_read() - invoke_start;
        n_profiled++;
    }
}

#if defined(__arm__)
/* Survives a reset: the startup code neither loads nor zeroes .noinit. After a power cycle it
 * holds whatever the SRAM came up with, which is as good a start as any. */
static uint32_t reset_count[2] __attribute__((section(".noinit")));
#define RESET_COUNT_MAGIC 0x7B0071D5u
#endif

/* Differs from one boot to the next (a reset counter where RAM survives a reset, the
 * counter's phase and the stack address otherwise: a new process on the host board), so the
 * host notices a restart whose HELLO it missed. */
static uint32_t next_boot_id(void)
{
    uint32_t id = (uint32_t)board_counter_read() ^ (uint32_t)(uintptr_t)&id;
#if defined(__arm__)
    if (reset_count[0] != RESET_COUNT_MAGIC)
        reset_count[0] = RESET_COUNT_MAGIC;
    reset_count[1]++;
    id ^= reset_count[1] * 2654435761u;
#endif
    return id;
}

/* Each handler fills `out` and returns its length, or -(error code). */
static int do_info(void)
{
    board_counter_info ci = board_counter_unit();
    uint8_t *p = out;
    *p++ = PROTO_VERSION;
    *p++ = (uint8_t)init_status;
    *p++ = tinyc_model.n_inputs;
    *p++ = tinyc_model.n_outputs;
    put_u16(p, tinyc_model.n_ops);
    p += 2;
    put_u32(p, tinyc_model.arena_bytes);
    p += 4;
    memcpy(p, tinyc_model.model_sha256, 32);
    p += 32;
    put_u32(p, ci.num);
    p += 4;
    put_u32(p, ci.den);
    p += 4;
    put_u16(p, TINYC_PROFILE_MAX_OPS);
    p += 2;
    p += put_str(p, tinyc_model.backend, 32);
    p += put_str(p, tinyc_model.board, 64);
    p += put_str(p, ci.unit, 32);
    /* Appended in a backward-compatible way: older hosts ignore trailing bytes. The runtime's
     * arena figure is 0xFFFFFFFF when there is none, so that the boot id has a fixed place. */
    put_u32(p, tinyc_runtime_arena_used_bytes ? tinyc_runtime_arena_used_bytes() : 0xFFFFFFFFu);
    p += 4;
    put_u32(p, boot_id);
    p += 4;
    *p++ = selfcheck;
    return (int)(p - out);
}

static int do_tensor(void)
{
    if (req.len != 2 || req.payload[0] > 1)
        return -PROTO_ERR_BAD_ARG;
    int is_out = req.payload[0];
    int index = req.payload[1];
    if (index >= (is_out ? tinyc_model.n_outputs : tinyc_model.n_inputs))
        return -PROTO_ERR_BAD_ARG;
    const tinyc_tensor_desc *t = is_out ? &tinyc_model.outputs[index] : &tinyc_model.inputs[index];
    uint8_t *p = out;
    *p++ = (uint8_t)t->dtype;
    *p++ = t->ndim;
    for (int i = 0; i < t->ndim && i < TINYC_MAX_DIMS; i++, p += 4)
        put_u32(p, (uint32_t)t->dims[i]);
    put_u32(p, t->bytes);
    p += 4;
    memcpy(p, &t->scale, 4);
    p += 4;
    put_u32(p, (uint32_t)t->zero_point);
    p += 4;
    return (int)(p - out);
}

static int do_set_input(void)
{
    if (req.len < 5 || req.payload[0] >= tinyc_model.n_inputs)
        return -PROTO_ERR_BAD_ARG;
    uint32_t offset = get_u32(req.payload + 1), n = req.len - 5u;
    if (offset > tinyc_model.inputs[req.payload[0]].bytes ||
        n > tinyc_model.inputs[req.payload[0]].bytes - offset)
        return -PROTO_ERR_BAD_ARG;
    if (init_status != TINYC_OK)
        return -PROTO_ERR_INIT_FAILED;
    memcpy((uint8_t *)tinyc_input(req.payload[0]) + offset, req.payload + 5, n);
    return 0;
}

static int do_invoke(void)
{
    if (req.len != 1)
        return -PROTO_ERR_BAD_ARG;
    if (init_status != TINYC_OK)
        return -PROTO_ERR_INIT_FAILED;
    /* Tells the host its request arrived, so that it can wait long for the answer. */
    proto_write_frame(PROTO_BUSY | PROTO_REPLY, req.seq, 0, 0);
    n_profiled = 0;
    tinyc_op_hook = (req.payload[0] & 1u) ? on_op_done : 0;
    /* Restart the counter so that its phase cannot depend on how long we waited for the
     * host (under QEMU icount, virtual time runs on while the core sleeps in WFI). */
    board_counter_init();
    invoke_start = board_counter_read();
    tinyc_last_failure.op_index = -1;
    tinyc_last_failure.status = 0;
    if ((req.payload[0] & 2u) && tinyc_reset_state)   /* a sequence starts */
        tinyc_reset_state();
    tinyc_status st = tinyc_invoke();
    uint64_t count = board_counter_read() - invoke_start;
    tinyc_op_hook = 0;
    out[0] = (uint8_t)st;
    put_u64(out + 1, count);
    put_u16(out + 9, n_profiled);
    if (st == TINYC_OK)
        return 11;
    /* Appended on failure only, so that older hosts still read every success. */
    int32_t op = tinyc_last_failure.op_index;
    put_u16(out + 11, op >= 0 && op < 0xFFFF ? (uint32_t)op : 0xFFFFu);
    put_u32(out + 13, (uint32_t)tinyc_last_failure.status);
    return 17;
}

static int do_get_output(void)
{
    if (req.len != 6 || req.payload[0] >= tinyc_model.n_outputs)
        return -PROTO_ERR_BAD_ARG;
    uint32_t offset = get_u32(req.payload + 1), n = req.payload[5];
    if (offset > tinyc_model.outputs[req.payload[0]].bytes ||
        n > tinyc_model.outputs[req.payload[0]].bytes - offset)
        return -PROTO_ERR_BAD_ARG;
    if (init_status != TINYC_OK)
        return -PROTO_ERR_INIT_FAILED;
    memcpy(out, (const uint8_t *)tinyc_output(req.payload[0]) + offset, n);
    return (int)n;
}

static int do_profile(void)
{
    if (req.len != 3)
        return -PROTO_ERR_BAD_ARG;
    uint32_t first = (uint32_t)req.payload[0] | (uint32_t)req.payload[1] << 8, n = req.payload[2];
    if (n > PROTO_MAX_PAYLOAD / 10 || first > n_profiled || n > n_profiled - first)
        return -PROTO_ERR_BAD_ARG;
    for (uint32_t i = 0; i < n; i++) {
        put_u16(out + 10 * i, profile_op[first + i]);
        put_u64(out + 10 * i + 2, profile_count[first + i]);
    }
    return (int)(10 * n);
}

static int do_boot(void)
{
    if (req.len != 0)
        return -PROTO_ERR_BAD_ARG;
    put_u32(out, boot_id);
    return 4;
}

static int dispatch(void)
{
    switch (req.cmd) {
    case PROTO_INFO: return do_info();
    case PROTO_TENSOR: return do_tensor();
    case PROTO_SET_INPUT: return do_set_input();
    case PROTO_INVOKE: return do_invoke();
    case PROTO_GET_OUTPUT: return do_get_output();
    case PROTO_PROFILE: return do_profile();
    case PROTO_BOOT: return do_boot();
    default: return -PROTO_ERR_UNKNOWN_CMD;
    }
}

int main(void)
{
    board_init();
    init_status = tinyc_init();
    selfcheck = !tinyc_selfcheck ? PROTO_SELFCHECK_NONE
              : tinyc_selfcheck() == 0 ? PROTO_SELFCHECK_OK : PROTO_SELFCHECK_FAILED;
    boot_id = next_boot_id();
    uint8_t hello[5] = {PROTO_VERSION};
    put_u32(hello + 1, boot_id);
    proto_write_frame(PROTO_HELLO, 0, hello, sizeof hello);

    for (;;) {
        proto_rx_status rx = proto_read_frame(&req);
        if (rx == PROTO_RX_CLOSED)
            return 0;
        if (rx == PROTO_RX_BAD_CRC) {
            uint8_t err[2] = {PROTO_ERR_CRC, req.cmd};
            proto_write_frame(PROTO_ERROR | PROTO_REPLY, req.seq, err, 2);
            continue;
        }
        uint32_t crc = proto_crc32(0, req.payload, req.len);
        if (req.cmd == last_cmd && req.seq == last_seq && req.len == last_len && crc == last_crc) {
            proto_write_frame(last_reply_cmd, req.seq, last_reply, last_reply_len);
            continue;
        }
        int n = dispatch();
        if (n < 0) {
            last_reply[0] = (uint8_t)-n;
            last_reply[1] = req.cmd;
            last_reply_len = 2;
            last_reply_cmd = PROTO_ERROR | PROTO_REPLY;
        } else {
            memcpy(last_reply, out, (uint32_t)n);
            last_reply_len = (uint8_t)n;
            last_reply_cmd = req.cmd | PROTO_REPLY;
        }
        last_cmd = req.cmd;
        last_seq = req.seq;
        last_len = req.len;
        last_crc = crc;
        proto_write_frame(last_reply_cmd, req.seq, last_reply, last_reply_len);
    }
}
