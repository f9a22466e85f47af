#include "conv2d_s8_dsp.h"

#include "conv2d_gemm_s8_dsp.h"

/* Columns padded to a multiple of 4 taps (zero weights there): the GEMM then needs no
 * one-tap-at-a-time tail (3x3 filters over RGB have 27 taps). */
static int32_t column_taps(const tinyc_conv2d_params *p)
{
    return (p->filter.h * p->filter.w * p->filter.c + 3) & ~3;
}

int32_t tinyc_conv2d_s8_dsp_scratch_size(const tinyc_conv2d_params *p)
{
    return 2 * 2 * column_taps(p);   /* two columns of int16 taps */
}

/* memcpy/memset for the short runs of im2col: newlib-nano's are byte loops, these move words
 * (LDR/STR handle unaligned words on M3 and up; memcpy of 4 bytes compiles to one of each). */
static inline void copy_run(int8_t *dst, const int8_t *src, int32_t n)
{
    for (; n >= 4; n -= 4, dst += 4, src += 4) {
        tinyc_write_s32(dst, tinyc_read_s32(src));
    }
    for (; n > 0; n--) {
        *dst++ = *src++;
    }
}

static inline void fill_run(int8_t *dst, int8_t value, int32_t n)
{
    const int32_t word = (int32_t)((uint32_t)(uint8_t)value * 0x01010101u);
    for (; n >= 4; n -= 4, dst += 4) {
        tinyc_write_s32(dst, word);
    }
    for (; n > 0; n--) {
        *dst++ = value;
    }
}

/* The fh*fw*c taps output pixel (oy, ox) reads from image `in`, as one contiguous column. */
static void im2col_pixel(const tinyc_conv2d_params *p, const int8_t *in, int32_t oy, int32_t ox,
                         int8_t *col)
{
    const int32_t in_h = p->input.h, in_w = p->input.w, c = p->input.c;
    const int32_t f_h = p->filter.h, f_w = p->filter.w;
    const int8_t pad = (int8_t)(-p->input_offset);
    const int32_t y0 = oy * p->stride_h - p->pad_h, x0 = ox * p->stride_w - p->pad_w;
    const int32_t row_bytes = f_w * c;
    const int contiguous = p->dilation_w == 1 && x0 >= 0 && x0 + f_w <= in_w;
    /* the column's padding taps meet zero weights: any defined value will do */
    fill_run(col + f_h * row_bytes, 0, column_taps(p) - f_h * row_bytes);
    for (int32_t fy = 0; fy < f_h; fy++, col += row_bytes) {
        const int32_t y = y0 + fy * p->dilation_h;
        if (y < 0 || y >= in_h) {
            fill_run(col, pad, row_bytes);
            continue;
        }
        const int8_t *row = in + y * in_w * c;
        if (contiguous) {
            copy_run(col, row + x0 * c, row_bytes);
            continue;
        }
        for (int32_t fx = 0; fx < f_w; fx++) {
            const int32_t x = x0 + fx * p->dilation_w;
            if (x < 0 || x >= in_w) {
                fill_run(col + fx * c, pad, c);
            } else {
                copy_run(col + fx * c, row + x * c, c);
            }
        }
    }
}

/* always inlined: each kernel is compiled with its own requantization and, for the _k28 ones
 * (3x3 filters over RGB), its column length a constant (fixed_taps; 0: read from p) */
static inline __attribute__((always_inline)) int
conv2d_im2col(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
              const int8_t *filter_relaid, const int32_t *channels, int8_t *output,
              int32_t fixed_taps, int rq)
{
    if (scratch.size < tinyc_conv2d_s8_dsp_scratch_size(p) || scratch.buf == NULL) {
        return TINYC_KERNEL_BAD_SCRATCH;
    }
    if (p->filter.c != p->input.c || p->input.c <= 0
        || (fixed_taps && column_taps(p) != fixed_taps)) {
        return TINYC_KERNEL_BAD_PARAMS;
    }
    const int32_t taps = fixed_taps ? fixed_taps : column_taps(p), c_out = p->output.c;
    const requant_consts q = requant_consts_of(p);
    /* each int16 column is gathered as int8 into its second half, then widened in place */
    int8_t *col[2] = {(int8_t *)scratch.buf, (int8_t *)scratch.buf + 2 * taps};
    const int32_t image = p->input.h * p->input.w * p->input.c;
    int8_t *out = output;
    int32_t pending = 0;   /* columns gathered and not yet multiplied */
    for (int32_t b = 0; b < p->output.n; b++) {
        for (int32_t oy = 0; oy < p->output.h; oy++) {
            for (int32_t ox = 0; ox < p->output.w; ox++) {
                im2col_pixel(p, input + b * image, oy, ox, col[pending] + taps);
                widen_column(col[pending], col[pending] + taps, taps);
                if (++pending < 2) {
                    continue;
                }
                gemm_pixels_s8(&q, taps, c_out, col[0], col[1], 1, rq, filter_relaid, channels,
                               out, out + c_out);
                out += 2 * c_out;
                pending = 0;
            }
        }
    }
    if (pending) {
        gemm_pixels_s8(&q, taps, c_out, col[0], NULL, 1, rq, filter_relaid, channels, out, NULL);
    }
    return TINYC_KERNEL_OK;
}

int tinyc_conv2d_s8_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
                        const int8_t *filter_relaid, const int32_t *channels, int8_t *output)
{
    return conv2d_im2col(p, scratch, input, filter_relaid, channels, output, 0, RQ_EXACT);
}

int tinyc_conv2d_s8_rqfast_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                               const int8_t *input, const int8_t *filter_relaid,
                               const int32_t *channels, int8_t *output)
{
    return conv2d_im2col(p, scratch, input, filter_relaid, channels, output, 0, RQ_FAST);
}

int tinyc_conv2d_s8_k28_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch, const int8_t *input,
                            const int8_t *filter_relaid, const int32_t *channels, int8_t *output)
{
    return conv2d_im2col(p, scratch, input, filter_relaid, channels, output, 28, RQ_EXACT);
}

int tinyc_conv2d_s8_k28_rqfast_dsp(const tinyc_conv2d_params *p, tinyc_ctx scratch,
                                   const int8_t *input, const int8_t *filter_relaid,
                                   const int32_t *channels, int8_t *output)
{
    return conv2d_im2col(p, scratch, input, filter_relaid, channels, output, 28, RQ_FAST);
}
