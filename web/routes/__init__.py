"""One module per page; each defines `router` (a fastapi.APIRouter with its own prefix).

A page author adds web/routes/<page>.py; create_app() includes every module found here, and the
top bar links the pages of NAV whose module exists.
"""
from __future__ import annotations

import importlib
import pkgutil

from fastapi import FastAPI

# (module, label, address), in top-bar order
NAV = [
    ("gongwen", "公文", "/gongwen"),
    ("returns", "回执", "/returns"),
    ("review", "核对", "/review"),
    ("ledger", "台账", "/ledger"),
    ("orders", "指令书", "/orders"),
    ("reports", "报表", "/reports"),
]


def modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


def include_all(app: FastAPI) -> None:
    for name in modules():
        app.include_router(importlib.import_module(f"{__name__}.{name}").router)


def nav_items() -> list[dict]:
    present = set(modules())
    return [{"label": label, "href": href, "ready": module in present} for module, label, href in NAV]
