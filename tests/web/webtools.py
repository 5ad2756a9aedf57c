"""Helpers of the web tests (the fixtures are in conftest.py)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]


def token(client: TestClient) -> str:
    """This client's CSRF token, as the home page hands it out."""
    page = client.get("/")
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]


def sample(name: str, tmp_path: Path) -> Path:
    """A copy of a sample return (samples/returns/…) in tmp_path."""
    src = next((ROOT / "samples").rglob(name))
    dest = tmp_path / src.name
    shutil.copy(src, dest)
    return dest
