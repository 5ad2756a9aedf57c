"""Returned forms: parse a batch into records, the ledger, JSONL and a workbook; draw a blank form."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generators.forms import blank_form as draw_blank_form
from parsers import pipeline
from parsers.pipeline import Summary
from services.ledgers import Ledger, Progress


@dataclass
class ParseResult:
    summary: Summary                 # tallies, per-file outcomes (summary.outcomes), errors, outputs

    @property
    def ok(self) -> bool:
        """No file failed."""
        return not self.summary.errors


@dataclass
class BlankForm:
    form_type: str
    out: Path


def parse_batch(paths: list[Path], ledger: Ledger | None = None, jsonl: Path | None = None,
                xlsx: Path | None = None, workers: int = 0, progress: Progress | None = None) -> ParseResult:
    """Parse files, folders and zips; records into the ledger / JSONL / workbook as asked.

    progress(done, total, label): files as they finish (label pipeline.FILES) and long PDFs' pages.
    """
    summary = pipeline.parse([Path(p) for p in paths], jsonl=Path(jsonl) if jsonl else None,
                             db=ledger.path if ledger else None, xlsx=Path(xlsx) if xlsx else None,
                             workers=workers, progress=progress)
    return ParseResult(summary)


def blank_form(form_type: str, out: Path) -> BlankForm:
    """A blank form (.docx or .xlsx by the name of `out`) drawn from its spec."""
    return BlankForm(form_type, draw_blank_form(form_type, Path(out)))
