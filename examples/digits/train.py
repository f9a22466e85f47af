"""Train a small CNN on scikit-learn's bundled 8x8 digits (no download) with fixed seeds.

    python3 train.py OUT [--test-samples N]

OUT/digits.keras   the float model
OUT/calib.npy      300 training images for calibration
OUT/test/          the held-out images, x.npy [N, 8, 8, 1] float in [0, 1] and y.npy [N]
"""
import argparse
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from tinyc.tf_models import load_tf

tf = load_tf()   # TensorFlow without its start-up chatter

SEED = 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--test-samples", type=int, default=None, help="default: the whole test split")
    ap.add_argument("--epochs", type=int, default=8)
    a = ap.parse_args()
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[..., None]     # [1797, 8, 8, 1] in [0, 1]
    x_train, x_test, y_train, y_test = train_test_split(
        x, digits.target, test_size=0.2, random_state=SEED, stratify=digits.target)

    tf.keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    model = tf.keras.Sequential([
        tf.keras.Input((8, 8, 1)),
        tf.keras.layers.Conv2D(8, 3, padding="same", activation="relu"),
        tf.keras.layers.MaxPooling2D(2),
        tf.keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(10),
    ])
    model.compile("adam", tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=a.epochs, batch_size=32, verbose=0)
    _, acc = model.evaluate(x_test, y_test, verbose=0)

    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "test").mkdir(exist_ok=True)
    model.save(a.out / "digits.keras")
    np.save(a.out / "calib.npy", x_train[:300])
    n = a.test_samples or len(x_test)
    np.save(a.out / "test" / "x.npy", x_test[:n])
    np.save(a.out / "test" / "y.npy", y_test[:n].astype(np.int64))
    print(f"trained {a.epochs} epochs on {len(x_train)} digits: float test accuracy "
          f"{100 * acc:.2f}% on {len(x_test)}; kept {n} test samples in {a.out / 'test'}")


if __name__ == "__main__":
    main()
