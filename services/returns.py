"""Returned forms: parse a batch into records, the ledger, JSONL and a workbook; draw a blank form."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from generators.forms import blank_form as draw_blank_form
from parsers import pipeline
from parsers.pipeline import Summary
from schema.errors import PaichaError
from services.ledgers import Ledger, Progress

# the files a parse job writes for its batch (services/jobs.py), by kind: what the user downloads
BATCH_OUTPUTS = {"xlsx": "回执汇总.xlsx", "jsonl": "回执汇总.jsonl"}


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
                xlsx: Path | None = None, workers: int = 0, progress: Progress | None = None,
                display: dict[str, str] | None = None, attribute: dict | None = None,
                known: dict[str, list[str]] | None = None) -> ParseResult:
    """Parse files, folders and zips; records into the ledger / JSONL / workbook as asked.

    progress(done, total, label): files as they finish (label pipeline.FILES) and long PDFs' pages.
    display: {path: the name to record and show instead} (an upload kept under a generated name).
    attribute: 直报, {"unit": …} or {"enterprise": …}: every record is that unit's (ledger/attribution.py).
    known: the names OCR'd names are corrected against (known_names(ledger); read once here when not given).
    """
    if known is None and ledger is not None:
        known = known_names(ledger)
    summary = pipeline.parse([Path(p) for p in paths], jsonl=Path(jsonl) if jsonl else None,
                             db=ledger.path if ledger else None, xlsx=Path(xlsx) if xlsx else None,
                             workers=workers, progress=progress, display=display, attribute=attribute,
                             amend=_correct_names(known) if known else None)
    return ParseResult(summary)


# what the office knows, by kind (parsers/ocr/known.py): the roster's units and enterprises; earlier returns'
# reporting units (a 调度表's village among them) and stats rows' units; the ledger's enterprises and towns
KNOWN_SQL = ("SELECT 'units', name FROM roster WHERE kind = 'unit'"
             " UNION SELECT 'enterprises', name FROM roster WHERE kind = 'enterprise'"
             " UNION SELECT 'units', reporting_unit FROM records UNION SELECT 'units', unit FROM stats_rows"
             " UNION SELECT 'enterprises', name FROM enterprises"
             " UNION SELECT 'towns', town FROM enterprises UNION SELECT 'towns', town FROM hazards")


def known_names(ledger: Ledger) -> dict[str, list[str]]:
    """{units, villages, towns, enterprises: names} from the roster and the ledger, in one query (a job
    reads it once for all its files)."""
    known: dict[str, list[str]] = {"units": [], "towns": [], "enterprises": []}
    for kind, name in ledger.con.execute(KNOWN_SQL).fetchall():
        if name and name.strip():
            known[kind].append(name)
    known["villages"] = known["units"]
    return known


def _correct_names(known: dict[str, list[str]]):
    """pipeline.parse's amend: a record's OCR'd names corrected (or flagged) against `known`."""
    from parsers.ocr.known import correct_known
    from schema.record import Record
    from schema.spec import load_spec

    def amend(rec: dict, provenance: dict) -> None:
        if rec.get("form_type", "unknown") != "unknown":
            correct_known(Record.from_json(rec), load_spec(rec["form_type"]), known, provenance)
    return amend


def write_batch_outputs(out_dir: Path, files: list[tuple[int, str, str | None, int | None, str | None]]) -> dict[str, Path]:
    """A batch's 汇总: the JSONL of its files' parts (out_dir/parts/<seq>.jsonl, in file order) and the
    records workbook with its 错误 and 文件 sheets. files: (seq, name, outcome, records, message) each."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {kind: out_dir / name for kind, name in BATCH_OUTPUTS.items()}
    records, errors = [], []
    tmp = paths["jsonl"].with_suffix(".part")
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        for seq, *_ in files:
            part = out_dir / "parts" / f"{seq}.jsonl"
            if not part.is_file():
                continue
            for line in part.read_text(encoding="utf-8").splitlines():
                if not line.strip():
                    continue
                out.write(line + "\n")
                obj = json.loads(line)
                if "form_type" in obj:
                    records.append(obj)
                elif "error" in obj:
                    errors.append(obj)
    os.replace(tmp, paths["jsonl"])
    outcomes = [{"path": name, "outcome": outcome or "error", "records": n or 0, "message": message or ""}
                for _, name, outcome, n, message in files]
    _write_workbook(records, paths["xlsx"], errors, outcomes)
    return paths


def _write_workbook(records: list[dict], out: Path, errors: list[dict], outcomes: list[dict]) -> Path:
    """The records workbook (generators.records_xlsx), written beside and moved into place whole."""
    from generators.records_xlsx import write_records_xlsx
    tmp = out.with_name(out.stem + ".part.xlsx")
    write_records_xlsx(records, tmp, errors=errors, outcomes=outcomes)
    os.replace(tmp, out)
    return out


def batch_output(ledger: Ledger, job_id: int, kind: str, scope=None) -> tuple[Path, str]:
    """(path, download name) of a finished batch's 汇总 workbook (kind xlsx) or JSONL (kind jsonl);
    PaichaError not_found when there is none."""
    from services.jobs import job_status
    job = job_status(ledger, job_id, scope)
    path = ((job.result or {}).get("outputs") or {}).get(kind) if kind in BATCH_OUTPUTS else None
    if not path or not Path(path).is_file():
        raise PaichaError("该批次没有可下载的汇总文件（任务未完成或文件已被清理）", code="not_found")
    return Path(path), f"批次{job.id}-{BATCH_OUTPUTS[kind]}"


def blank_form(form_type: str, out: Path) -> BlankForm:
    """A blank form (.docx or .xlsx by the name of `out`) drawn from its spec."""
    return BlankForm(form_type, draw_blank_form(form_type, Path(out)))
