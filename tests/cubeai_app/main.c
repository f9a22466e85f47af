/* A small application of the X-CUBE-AI legacy embedded inference client API, written only
 * against ST's documented names (network.h, network_data.h, ai_platform.h) — no tinyc name.
 * tests/test_cubeai.py builds it against the files `tinyc build --backend cubeai` writes.
 *
 *   app MODE < inputs > outputs     MODE: copy | inplace | table
 *     reads AI_NETWORK_IN_1_SIZE_BYTES-byte samples until EOF, writes each output.
 *     copy:    the application's own in/out buffers (ai_input[0].data = in_data)
 *     inplace: inputs and outputs where ai_network_inputs_get() puts them (the activations)
 *     table:   the activations/weights tables of network_data.h
 *   app errors                       checks the documented error paths; prints "ok"
 *   app report                       prints the report and the I/O description
 */
#include <stdio.h>
#include <string.h>

#include "network.h"
#include "network_data.h"

AI_ALIGNED(32) static ai_u8 activations[AI_NETWORK_DATA_ACTIVATION_1_SIZE];
AI_ALIGNED(4) static ai_u8 in_data[AI_NETWORK_IN_1_SIZE_BYTES];
AI_ALIGNED(4) static ai_u8 out_data[AI_NETWORK_OUT_1_SIZE_BYTES];

static ai_handle network = AI_HANDLE_NULL;
static ai_buffer *ai_input;
static ai_buffer *ai_output;

static int fail(const char *what, ai_error err)
{
    fprintf(stderr, "app: %s failed: type=0x%02x code=0x%02x\n", what, (unsigned)err.type,
            (unsigned)err.code);
    return 1;
}

static int ai_init(int use_tables)
{
    ai_error err;
    if (use_tables) {
        g_network_activations_table[1] = AI_HANDLE_PTR(activations);
        err = ai_network_create_and_init(&network, AI_NETWORK_DATA_ACTIVATIONS_TABLE_GET(),
                                         AI_NETWORK_DATA_WEIGHTS_TABLE_GET());
    } else {
        const ai_handle acts[] = { activations };
        err = ai_network_create_and_init(&network, acts, NULL);
    }
    if (err.type != AI_ERROR_NONE) {
        return fail("ai_network_create_and_init", err);
    }
    ai_input = ai_network_inputs_get(network, NULL);
    ai_output = ai_network_outputs_get(network, NULL);
    return ai_input == NULL || ai_output == NULL;
}

static int run_stream(int own_buffers)
{
    ai_u8 *in = own_buffers ? in_data : (ai_u8 *)ai_input[0].data;
    ai_u8 *out = own_buffers ? out_data : (ai_u8 *)ai_output[0].data;
    while (fread(in, 1, AI_NETWORK_IN_1_SIZE_BYTES, stdin) == AI_NETWORK_IN_1_SIZE_BYTES) {
        if (own_buffers) {
            ai_input[0].data = AI_HANDLE_PTR(in_data);
            ai_output[0].data = AI_HANDLE_PTR(out_data);
        }
        if (ai_network_run(network, &ai_input[0], &ai_output[0]) != 1) {
            return fail("ai_network_run", ai_network_get_error(network));
        }
        fwrite(out, 1, AI_NETWORK_OUT_1_SIZE_BYTES, stdout);
    }
    return 0;
}

#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "app: check failed: %s\n", #cond); return 1; } } while (0)

static int check_errors(void)
{
    ai_handle net = AI_HANDLE_NULL, other = AI_HANDLE_NULL;
    ai_error err = ai_network_create(&net, AI_NETWORK_DATA_CONFIG);
    CHECK(err.type == AI_ERROR_NONE && net != AI_HANDLE_NULL);
    /* running before init fails and says so */
    ai_buffer *in = ai_network_inputs_get(net, NULL);
    ai_buffer *out = ai_network_outputs_get(net, NULL);
    CHECK(in != NULL && out != NULL);
    CHECK(ai_network_run(net, &in[0], &out[0]) == 0);
    CHECK(ai_network_get_error(net).type != AI_ERROR_NONE);
    CHECK(ai_network_destroy(net) == AI_HANDLE_NULL);
    /* init without an activations buffer fails */
    CHECK(ai_network_create_and_init(&net, NULL, NULL).type != AI_ERROR_NONE);
    CHECK(ai_network_destroy(net) == AI_HANDLE_NULL);
    /* weights cannot be moved */
    const ai_handle acts[] = { activations };
    const ai_handle weights[] = { AI_HANDLE_PTR(in_data) };
    CHECK(ai_network_create_and_init(&net, acts, weights).type == AI_ERROR_INIT_FAILED);
    CHECK(ai_network_destroy(net) == AI_HANDLE_NULL);
    /* a good init; a second instance is refused while the first lives */
    CHECK(ai_network_create_and_init(&net, acts, NULL).type == AI_ERROR_NONE);
    CHECK(ai_network_create(&other, AI_NETWORK_DATA_CONFIG).type != AI_ERROR_NONE);
    ai_u16 n_in = 0, n_out = 0;
    in = ai_network_inputs_get(net, &n_in);
    out = ai_network_outputs_get(net, &n_out);
    CHECK(n_in == AI_NETWORK_IN_NUM && n_out == AI_NETWORK_OUT_NUM);
    CHECK((ai_u8 *)in[0].data >= activations &&
          (ai_u8 *)in[0].data + AI_NETWORK_IN_1_SIZE_BYTES <= activations + sizeof(activations));
    /* a NULL input is refused */
    ai_handle saved = in[0].data;
    in[0].data = AI_HANDLE_NULL;
    CHECK(ai_network_run(net, &in[0], &out[0]) == 0);
    CHECK(ai_network_get_error(net).type == AI_ERROR_INVALID_INPUT);
    in[0].data = saved;
    /* a bad handle */
    CHECK(ai_network_get_error(AI_HANDLE_PTR(activations)).type == AI_ERROR_INVALID_HANDLE);
    CHECK(ai_network_destroy(AI_HANDLE_PTR(activations)) == AI_HANDLE_PTR(activations));
    CHECK(ai_network_destroy(net) == AI_HANDLE_NULL);
    printf("ok\n");
    return 0;
}

static int print_report(void)
{
    ai_network_report report;
    if (ai_init(0)) {
        return 1;
    }
    CHECK(ai_network_get_report(network, &report));
    const ai_buffer *in = &report.inputs[0];
    ai_buffer_format fmt = AI_BUFFER_FORMAT(in);
    printf("model %s nodes %u inputs %u outputs %u\n", report.model_name,
           (unsigned)report.n_nodes, (unsigned)report.n_inputs, (unsigned)report.n_outputs);
    printf("activations %u weights %u\n", (unsigned)AI_NETWORK_DATA_ACTIVATIONS_SIZE,
           (unsigned)AI_NETWORK_DATA_WEIGHTS_SIZE);
    printf("in size %u bytes %u q %d signed %u bits %u\n", (unsigned)AI_BUFFER_SIZE(in),
           (unsigned)AI_NETWORK_IN_1_SIZE_BYTES,
           AI_BUFFER_FMT_GET_TYPE(fmt) == AI_BUFFER_FMT_TYPE_Q,
           (unsigned)AI_BUFFER_FMT_GET_SIGN(fmt), (unsigned)AI_BUFFER_FMT_GET_BITS(fmt));
    printf("in channel %u scale %.9g zero_point %d\n",
           (unsigned)AI_BUFFER_SHAPE_ELEM(in, AI_SHAPE_CHANNEL),
           (double)AI_BUFFER_META_INFO_INTQ_GET_SCALE(in->meta_info, 0),
           (int)AI_BUFFER_META_INFO_INTQ_GET_ZEROPOINT(in->meta_info, 0));
    const ai_buffer *out = &report.outputs[0];
    printf("out size %u scale %.9g zero_point %d\n", (unsigned)AI_BUFFER_SIZE(out),
           (double)AI_BUFFER_META_INFO_INTQ_GET_SCALE(out->meta_info, 0),
           (int)AI_BUFFER_META_INFO_INTQ_GET_ZEROPOINT(out->meta_info, 0));
    CHECK(report.map_activations.size == 1 &&
          report.map_activations.buffer[0].data == AI_HANDLE_PTR(activations));
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "copy";
    if (strcmp(mode, "errors") == 0) {
        return check_errors();
    }
    if (strcmp(mode, "report") == 0) {
        return print_report();
    }
    int tables = strcmp(mode, "table") == 0;
    if (ai_init(tables)) {
        return 1;
    }
    int rc = run_stream(strcmp(mode, "copy") == 0);
    ai_network_destroy(network);
    return rc;
}
