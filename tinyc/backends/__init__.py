"""Code generators: native (tinyc kernels), tflm, cubeai."""
