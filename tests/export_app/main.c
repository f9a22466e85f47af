/* A host application written only against the documented export API of two models, kws and
 * ad01 (tinyc export ...kws_ref_model.tflite:kws ...ad01_int8.tflite:ad01).
 *
 *   app run   stdin: per sample, kws input bytes then ad01 input bytes;
 *             stdout: per sample, kws output bytes then ad01 output bytes.
 *             The models alternate, as they must with --shared-arena.
 *   app f32   stdin: KWS_INPUT0_BYTES floats; stdout: the quantized input bytes, then the
 *             output bytes and the output as floats (kws_set_input_f32/kws_get_output_f32).
 *   app meta  the macros, one per line.
 */
#include <stdio.h>
#include <string.h>

#include "kws.h"
#include "ad01.h"

static int read_exact(void *buf, size_t n)
{
    return fread(buf, 1, n, stdin) == n;
}

static int run(void)
{
    for (;;) {
        int c = getchar();
        if (c == EOF)
            return 0;
        ungetc(c, stdin);
        if (!read_exact(kws_input(0), KWS_INPUT0_BYTES))
            return 2;
        if (kws_invoke() != 0)
            return 3;
        fwrite(kws_output(0), 1, KWS_OUTPUT0_BYTES, stdout);
        if (!read_exact(ad01_input(0), AD01_INPUT0_BYTES))
            return 2;
        if (ad01_invoke() != 0)
            return 3;
        fwrite(ad01_output(0), 1, AD01_OUTPUT0_BYTES, stdout);
    }
}

static int f32(void)
{
    static float x[KWS_INPUT0_BYTES];   /* int8: one byte per element */
    static float y[KWS_OUTPUT0_BYTES];
    if (!read_exact(x, sizeof x))
        return 2;
    kws_set_input_f32(0, x);
    fwrite(kws_input(0), 1, KWS_INPUT0_BYTES, stdout);
    if (kws_invoke() != 0)
        return 3;
    fwrite(kws_output(0), 1, KWS_OUTPUT0_BYTES, stdout);
    kws_get_output_f32(0, y);
    fwrite(y, sizeof y[0], KWS_OUTPUT0_BYTES, stdout);
    return 0;
}

static int meta(void)
{
    printf("%s %d %d %d %d %.9g %d %d %.9g %d\n", KWS_MODEL_SHA256, KWS_ARENA_BYTES,
           KWS_INPUT_COUNT, KWS_OUTPUT_COUNT, KWS_INPUT0_BYTES, (double)KWS_INPUT0_SCALE,
           KWS_INPUT0_ZERO_POINT, KWS_OUTPUT0_BYTES, (double)KWS_OUTPUT0_SCALE,
           KWS_OUTPUT0_ZERO_POINT);
    printf("%s %d %d %d %d %.9g %d %d %.9g %d\n", AD01_MODEL_SHA256, AD01_ARENA_BYTES,
           AD01_INPUT_COUNT, AD01_OUTPUT_COUNT, AD01_INPUT0_BYTES, (double)AD01_INPUT0_SCALE,
           AD01_INPUT0_ZERO_POINT, AD01_OUTPUT0_BYTES, (double)AD01_OUTPUT0_SCALE,
           AD01_OUTPUT0_ZERO_POINT);
    return kws_input(KWS_INPUT_COUNT) == NULL && kws_output(-1) == NULL ? 0 : 4;
}

int main(int argc, char **argv)
{
    if (kws_init() != 0 || ad01_init() != 0)
        return 1;
    if (argc == 2 && strcmp(argv[1], "run") == 0)
        return run();
    if (argc == 2 && strcmp(argv[1], "f32") == 0)
        return f32();
    if (argc == 2 && strcmp(argv[1], "meta") == 0)
        return meta();
    return 1;
}
