/* ai_platform.h — the platform-level types of the X-CUBE-AI "legacy" embedded inference
 * client API (ai_handle, ai_buffer, ai_error, ai_network_report, ...), written for tinyc
 * from ST's public documentation of that API (ST Edge AI Core, "Embedded Inference Client
 * API (legacy)"). It is not ST's header: names and meanings follow the documentation,
 * numeric encodings are tinyc's own. Code written against the documented names builds
 * unchanged; code that depends on ST's bit layouts does not. */
#ifndef AI_PLATFORM_H
#define AI_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
#define AI_API_DECLARE_BEGIN extern "C" {
#define AI_API_DECLARE_END }
#else
#define AI_API_DECLARE_BEGIN
#define AI_API_DECLARE_END
#endif

#define AI_API_ENTRY /* public entry point */
#define AI_ALIGNED(x) __attribute__((aligned(x)))

AI_API_DECLARE_BEGIN

/* Scalar types ---------------------------------------------------------------------- */
typedef uint8_t ai_u8;
typedef int8_t ai_i8;
typedef uint16_t ai_u16;
typedef int16_t ai_i16;
typedef uint32_t ai_u32;
typedef int32_t ai_i32;
typedef uint64_t ai_u64;
typedef int64_t ai_i64;
typedef float ai_float;
typedef bool ai_bool;
typedef char ai_char;
typedef uint32_t ai_size;
typedef uint16_t ai_flags;
typedef uint8_t *ai_ptr;
typedef const uint8_t *ai_ptr_const;

/* Handles --------------------------------------------------------------------------- */
typedef void *ai_handle;
typedef const void *ai_handle_const;

#define AI_HANDLE_NULL ((ai_handle)NULL)
#define AI_HANDLE_PTR(ptr_) ((ai_handle)(ptr_))

/* Marks the first and last entries of the activations/weights tables in <name>_data.c. */
#define AI_MAGIC_MARKER (0xA1FACADEu)

/* Versions -------------------------------------------------------------------------- */
typedef struct {
    ai_u8 major;
    ai_u8 minor;
    ai_u8 micro;
    ai_u8 reserved;
} ai_platform_version;

#define AI_PLATFORM_API_MAJOR 1
#define AI_PLATFORM_API_MINOR 2
#define AI_PLATFORM_API_MICRO 0

/* Errors: a type (what failed) and a code (where) ----------------------------------- */
typedef enum {
    AI_ERROR_NONE = 0x00,
    AI_ERROR_TOOL_PLATFORM_API_MISMATCH = 0x01,
    AI_ERROR_TYPES_MISMATCH = 0x02,
    AI_ERROR_INVALID_HANDLE = 0x10,
    AI_ERROR_INVALID_STATE = 0x11,
    AI_ERROR_INVALID_INPUT = 0x12,
    AI_ERROR_INVALID_OUTPUT = 0x13,
    AI_ERROR_INVALID_PARAM = 0x14,
    AI_ERROR_INVALID_SIGNATURE = 0x15,
    AI_ERROR_INVALID_SIZE = 0x16,
    AI_ERROR_INVALID_VALUE = 0x17,
    AI_ERROR_INIT_FAILED = 0x30,
    AI_ERROR_ALLOCATION_FAILED = 0x31,
    AI_ERROR_DEALLOCATION_FAILED = 0x32,
    AI_ERROR_CREATE_FAILED = 0x33,
} ai_error_type;

typedef enum {
    AI_ERROR_CODE_NONE = 0x00,
    AI_ERROR_CODE_NETWORK = 0x10,
    AI_ERROR_CODE_NETWORK_PARAMS = 0x11,
    AI_ERROR_CODE_NETWORK_WEIGHTS = 0x12,
    AI_ERROR_CODE_NETWORK_ACTIVATIONS = 0x13,
    AI_ERROR_CODE_LAYER = 0x14,
    AI_ERROR_CODE_TENSOR = 0x15,
    AI_ERROR_CODE_ARRAY = 0x16,
    AI_ERROR_CODE_INVALID_PTR = 0x17,
    AI_ERROR_CODE_INVALID_SIZE = 0x18,
    AI_ERROR_CODE_INVALID_FORMAT = 0x19,
    AI_ERROR_CODE_OUT_OF_RANGE = 0x20,
    AI_ERROR_CODE_INVALID_BATCH = 0x21,
    AI_ERROR_CODE_MISSED_INIT = 0x30,
    AI_ERROR_CODE_IN_USE = 0x40,
    AI_ERROR_CODE_NOT_YET_SUPPORTED = 0x41,
} ai_error_code;

typedef struct {
    ai_u32 type : 8; /* ai_error_type */
    ai_u32 code : 24; /* ai_error_code */
} ai_error;

/* Buffer formats: AI_BUFFER_FMT_GET_* read the documented fields ---------------------- */
typedef ai_u32 ai_buffer_format;

#define AI_BUFFER_FMT_TYPE_NONE 0x0
#define AI_BUFFER_FMT_TYPE_FLOAT 0x1
#define AI_BUFFER_FMT_TYPE_Q 0x2
#define AI_BUFFER_FMT_TYPE_BOOL 0x3

/* tinyc's encoding: bits 0..6 fractional bits, 7..13 bits, 14 sign, 16..21 type. */
#define AI_BUFFER_FMT_SET(type_, sign_, bits_, fbits_) \
    ((ai_buffer_format)((((ai_u32)(type_) & 0x3Fu) << 16) | (((ai_u32)(sign_) & 0x1u) << 14) | \
                        (((ai_u32)(bits_) & 0x7Fu) << 7) | ((ai_u32)(fbits_) & 0x7Fu)))
#define AI_BUFFER_FMT_GET_TYPE(fmt_) (((ai_u32)(fmt_) >> 16) & 0x3Fu)
#define AI_BUFFER_FMT_GET_SIGN(fmt_) (((ai_u32)(fmt_) >> 14) & 0x1u)
#define AI_BUFFER_FMT_GET_BITS(fmt_) (((ai_u32)(fmt_) >> 7) & 0x7Fu)
#define AI_BUFFER_FMT_GET_FBITS(fmt_) ((ai_u32)(fmt_) & 0x7Fu)
#define AI_BUFFER_FMT_GET_FLOAT(fmt_) (AI_BUFFER_FMT_GET_TYPE(fmt_) == AI_BUFFER_FMT_TYPE_FLOAT)

#define AI_BUFFER_FORMAT_NONE AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_NONE, 0, 0, 0)
#define AI_BUFFER_FORMAT_FLOAT AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_FLOAT, 1, 32, 0)
#define AI_BUFFER_FORMAT_U8 AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 0, 8, 0)
#define AI_BUFFER_FORMAT_S8 AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 1, 8, 0)
#define AI_BUFFER_FORMAT_U16 AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 0, 16, 0)
#define AI_BUFFER_FORMAT_S16 AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 1, 16, 0)
#define AI_BUFFER_FORMAT_U32 AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 0, 32, 0)
#define AI_BUFFER_FORMAT_S32 AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_Q, 1, 32, 0)
#define AI_BUFFER_FORMAT_BOOL AI_BUFFER_FMT_SET(AI_BUFFER_FMT_TYPE_BOOL, 0, 8, 0)

/* Bytes taken by `count` items of format `fmt_`. */
#define AI_BUFFER_BYTE_SIZE(count_, fmt_) \
    ((ai_size)(((ai_u32)(count_) * AI_BUFFER_FMT_GET_BITS(fmt_) + 7u) >> 3))

/* Quantization of a buffer: real = scale * (q - zero_point) --------------------------- */
typedef struct {
    const ai_float *scale;
    const void *zeropoint;
} ai_intq_info;

#define AI_BUFFER_META_FLAG_SCALE_FLOAT 0x1u
#define AI_BUFFER_META_FLAG_ZEROPOINT_U8 0x2u
#define AI_BUFFER_META_FLAG_ZEROPOINT_S8 0x4u

typedef struct {
    ai_u16 flags; /* AI_BUFFER_META_FLAG_* */
    ai_u16 size; /* number of (scale, zero point) pairs: 1 per tensor */
    const ai_intq_info *info;
} ai_intq_info_list;

#define AI_BUFFER_META_HAS_INTQ_INFO 0x1u

typedef struct {
    ai_u32 flags; /* AI_BUFFER_META_HAS_INTQ_INFO when intq_info is set */
    const ai_intq_info_list *intq_info;
} ai_buffer_meta_info;

/* Shapes: batch, height, width, channel ---------------------------------------------- */
typedef ai_u32 ai_shape_dimension;

#define AI_SHAPE_BATCH 0
#define AI_SHAPE_HEIGHT 1
#define AI_SHAPE_WIDTH 2
#define AI_SHAPE_CHANNEL 3
#define AI_BUFFER_SHAPE_TYPE_BHWC 0x1u

typedef struct {
    ai_u32 type : 8; /* AI_BUFFER_SHAPE_TYPE_* */
    ai_u32 size : 24; /* number of dimensions */
    ai_shape_dimension *data;
} ai_buffer_shape;

/* A tensor the application reads or writes ------------------------------------------ */
typedef struct ai_buffer_ {
    ai_buffer_format format;
    ai_handle data; /* the bytes; the application may point it at its own buffer */
    ai_buffer_meta_info *meta_info;
    ai_flags flags;
    ai_size size; /* items, batch excluded */
    ai_buffer_shape shape;
} ai_buffer;

typedef struct {
    ai_u16 flags;
    ai_u16 size; /* number of buffers */
    ai_buffer *buffer;
} ai_buffer_array;

#define AI_BUFFER_FORMAT(buf_) ((buf_)->format)
#define AI_BUFFER_DATA(buf_, type_) ((type_ *)((buf_)->data))
#define AI_BUFFER_SIZE(buf_) ((buf_)->size)
#define AI_BUFFER_SHAPE_SIZE(buf_) ((buf_)->shape.size)
#define AI_BUFFER_SHAPE_ELEM(buf_, pos_) ((buf_)->shape.data[(pos_)])
#define AI_BUFFER_META_INFO(buf_) ((buf_)->meta_info)
#define AI_BUFFER_META_INFO_INTQ(meta_) \
    (((meta_) && ((meta_)->flags & AI_BUFFER_META_HAS_INTQ_INFO)) ? (meta_)->intq_info : NULL)
#define AI_BUFFER_META_INFO_INTQ_GET_SIZE(meta_) \
    (AI_BUFFER_META_INFO_INTQ(meta_) ? AI_BUFFER_META_INFO_INTQ(meta_)->size : 0)
#define AI_BUFFER_META_INFO_INTQ_GET_SCALE(meta_, pos_) \
    (AI_BUFFER_META_INFO_INTQ(meta_) ? AI_BUFFER_META_INFO_INTQ(meta_)->info[(pos_)].scale[0] \
                                     : (ai_float)0)
#define AI_BUFFER_META_INFO_INTQ_GET_ZEROPOINT(meta_, pos_) \
    (AI_BUFFER_META_INFO_INTQ(meta_) \
         ? ((AI_BUFFER_META_INFO_INTQ(meta_)->flags & AI_BUFFER_META_FLAG_ZEROPOINT_U8) \
                ? (ai_i32)((const ai_u8 *)AI_BUFFER_META_INFO_INTQ(meta_)->info[(pos_)].zeropoint)[0] \
                : (ai_i32)((const ai_i8 *)AI_BUFFER_META_INFO_INTQ(meta_)->info[(pos_)].zeropoint)[0]) \
         : 0)

#define AI_BUFFER_ARRAY_ITEM_SET_ADDRESS(array_, pos_, address_) \
    ((array_)->buffer[(pos_)].data = (ai_handle)(address_))

/* What ai_<name>_init() is given: where the weights and the activations are ----------- */
typedef struct {
    ai_buffer_array map_weights;
    ai_buffer_array map_activations;
} ai_network_params;

/* What ai_<name>_get_report() returns -------------------------------------------------- */
typedef struct {
    const char *model_name;
    const char *model_signature;
    const char *model_datetime;
    const char *compile_datetime;
    const char *runtime_revision;
    ai_platform_version runtime_version;
    const char *tool_revision;
    ai_platform_version tool_version;
    ai_platform_version tool_api_version;
    ai_platform_version api_version;
    ai_platform_version interface_api_version;
    ai_u64 n_macc;
    ai_u16 n_inputs;
    ai_u16 n_outputs;
    ai_buffer *inputs;
    ai_buffer *outputs;
    ai_buffer_array map_signature;
    ai_buffer_array map_weights;
    ai_buffer_array map_activations;
    ai_u32 n_nodes;
    ai_u32 signature;
} ai_network_report;

AI_API_DECLARE_END

#endif /* AI_PLATFORM_H */
