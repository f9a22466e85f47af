#!/bin/sh
# A pretrained model from the shared models: validate on synthetic inputs on the emulated
# board, bench, export as an Arduino library for the Nano 33 BLE Sense.
#   examples/pretrained.sh MODEL NAME SAMPLES OUT
set -eu
here=$(cd "$(dirname "$0")" && pwd)
model=$1 name=$2 samples=$3 out=$4

python3 "$here/synthetic_inputs.py" "$model" "$out/inputs" "$samples"
tinyc validate "$model" --board mps2-an386 --data "$out/inputs"
tinyc bench "$model" --board mps2-an386
tinyc export "$model:$name" --board nano33 --format arduino -o "$out/${name}_arduino"
