"""Reports from the ledger: the statistics workbook, 催报 (who has not reported) and the 通报 / 总结."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generators import stats
from generators import summary as summaries
from generators.summary import RemindResult, SummaryDocument
from services.ledgers import Ledger


@dataclass
class Workbook:
    out: Path


def statistics_workbook(ledger: Ledger, out: Path, period: str | None = None, layout: str = "all") -> Workbook:
    """The official statistics tables and the hazard register of a period (.xlsx)."""
    return Workbook(stats.write_stats_workbook(ledger.path, Path(out), period=period, layout=layout))


def remind(ledger: Ledger, roster: Path, period: str | None = None, form_type: str | None = None,
           out: Path | None = None, organ: str | None = None) -> RemindResult:
    """The roster's units with no return in the period (missing / reported / warnings); with `out`,
    a 催报 notice naming them (result.out; None when every unit reported)."""
    return summaries.remind(ledger.path, Path(roster), period=period, form_type=form_type,
                            out=Path(out) if out else None, organ=organ)


def summary_document(ledger: Ledger, out: Path, period: str | None = None, organ: str | None = None,
                     kind: str = "通报", pdf: bool = False, chart: bool = True) -> SummaryDocument:
    """A 通报 or 总结 of the period as a GB/T 9704 .docx (and PDF); warnings in the result."""
    return summaries.summary(ledger.path, Path(out), period=period, organ=organ, kind=kind, pdf=pdf, chart=chart)
