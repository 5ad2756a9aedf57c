"""Reports from the ledger: the statistics workbook, 催报 (who has not reported) and the 通报 / 总结."""
from __future__ import annotations

from dataclasses import dataclass, field
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
                     kind: str = "通报", pdf: bool = False, chart: bool = True,
                     options: dict | Path | None = None) -> SummaryDocument:
    """A 通报 or 总结 of the period as a GB/T 9704 .docx (and PDF); `options` the 版头/版记 elements
    (发文字号, 签发人, 主送, 抄送, 印发 — the keys of `format --options`). The result carries warnings,
    the doubtful figures (数据核对) and the length measured against 003's rule."""
    return summaries.summary(ledger.path, Path(out), period=period, organ=organ, kind=kind, pdf=pdf, chart=chart,
                             options=options)


@dataclass
class SheetTable:
    title: str
    rows: list[list[str]] = field(default_factory=list)     # cell text, the header rows first
    more: int = 0                                           # rows left out beyond the limit


def workbook_tables(workbook: Path, max_rows: int = 200) -> list[SheetTable]:
    """A written workbook's sheets as text tables, for showing on a page (values as Excel shows them
    roughly: numbers without a trailing .0, dates as ISO, empty cells blank)."""
    from openpyxl import load_workbook

    wb = load_workbook(Path(workbook), read_only=True, data_only=True)
    try:
        tables = []
        for ws in wb.worksheets:
            table = SheetTable(ws.title)
            for n, row in enumerate(ws.iter_rows(values_only=True)):
                if n >= max_rows:
                    table.more += 1
                    continue
                table.rows.append([_cell_text(v) for v in row])
            width = max((i + 1 for r in table.rows for i, v in enumerate(r) if v), default=0)
            table.rows = [r[:width] + [""] * (width - len(r)) for r in table.rows if any(r)]
            tables.append(table)
        return tables
    finally:
        wb.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
