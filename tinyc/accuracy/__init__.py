"""Accuracy on the board: a data set through the board, TFLM and the float model (tinyc validate)."""
