"""责令限期整改指令书: issue, print again, the register, and the blank hazard list to type orders in."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generators import order
from generators.order import OrderResult
from services.ledgers import Ledger


@dataclass
class Written:
    out: Path


def issue_orders(ledger: Ledger | None, out_dir: Path, enterprises: list[str] | None = None,
                 town: str | None = None, since: str | None = None, until: str | None = None,
                 source: str | None = None, hazards_xlsx: Path | None = None, spec: Path | None = None,
                 config: Path | None = None, actor: str = "", pdf: bool = False, issued: str | None = None,
                 unprinted_only: bool = False) -> OrderResult:
    """One order per enterprise from the ledger's open hazards (or a typed hazard list / a spec); every
    document, the merged print file and the register are written under `out_dir`."""
    return order.issue_orders(
        db=ledger.path if ledger else None, out_dir=Path(out_dir), enterprises=enterprises or None, town=town,
        since=since, until=until, source=source, hazards_xlsx=Path(hazards_xlsx) if hazards_xlsx else None,
        spec=Path(spec) if spec else None, config=Path(config) if config else None, actor=actor, pdf=pdf,
        issued=issued, unprinted_only=unprinted_only)


def reprint_orders(ledger: Ledger, out_dir: Path, numbers: list[str], config: Path | None = None,
                   pdf: bool = False) -> OrderResult:
    """The documents of orders `numbers` (文号 or serial) printed again from the ledger."""
    return order.reprint_orders(ledger.path, Path(out_dir), numbers, config=Path(config) if config else None,
                                pdf=pdf)


def order_register(ledger: Ledger, out: Path) -> Written:
    """指令书登记簿 of every order in the ledger (.xlsx)."""
    return Written(order.write_register(ledger.con, Path(out)))


def hazard_template(out: Path) -> Written:
    """The blank 隐患清单 .xlsx that `issue_orders(hazards_xlsx=…)` reads."""
    return Written(order.write_hazard_template(Path(out)))
