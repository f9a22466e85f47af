"""Where the shared models live: $TINYC_MODELS, else ../shared/models beside the repo."""
from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def models_dir() -> Path:
    env = os.environ.get("TINYC_MODELS")
    return Path(env) if env else REPO.parent / "shared" / "models"
