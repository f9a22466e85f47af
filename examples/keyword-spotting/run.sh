#!/bin/sh
# MLPerf Tiny keyword spotting (DS-CNN): validate on the emulated board, bench, export for Arduino.
#   examples/keyword-spotting/run.sh [OUT]     (KWS_SAMPLES=N inputs, default 20)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
models=${TINYC_MODELS:-$here/../../../shared/models}
exec sh "$here/../pretrained.sh" "$models/mlperf_tiny/kws_ref_model.tflite" kws \
    "${KWS_SAMPLES:-20}" "${1:-$here/out}"
