"""Hazard lifecycle commands (排查 → 整改 → 复查 → 销号); filled in by the orders work."""
from __future__ import annotations


def add_arguments(parser) -> None:
    parser.add_argument("action", help="操作")


def run_cli(args) -> int:
    from schema.errors import PaichaError
    raise PaichaError("隐患闭环命令尚未提供")
