"""公文 (GB/T 9704-2012): a notice from a plain-text draft, re-laying out a Word draft, checking a .docx."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generators.gongwen import check, layout_check, reformat
from generators.gongwen import notice as notice_module
from generators.gongwen.check import Problem
from schema.office import convert


@dataclass
class Written:
    out: Path                        # the .docx
    pdf: Path | None = None


@dataclass
class CheckResult:
    file: Path
    problems: list[Problem] = field(default_factory=list)    # rule, where, message; empty: conforms

    @property
    def report(self) -> str:
        """The findings in Chinese, one line each."""
        return check.format_report(self.file, self.problems)


def _pdf(out: Path, pdf: bool) -> Path | None:
    return out.with_suffix(".pdf") if pdf else None


def notice(draft: Path, out: Path | None = None, pdf: bool = False, profile: str = "gbt9704") -> Written:
    """A 红头文件 .docx (and PDF) from a draft (YAML head + body); every problem of the draft at once."""
    out = notice_module.notice(Path(draft), Path(out) if out else None, pdf=pdf, profile=profile)
    return Written(out, _pdf(out, pdf))


def notices(drafts: list[Path], out_dir: Path, pdf: bool = False, profile: str = "gbt9704") -> list[Written]:
    """A notice from each draft into `out_dir` (named as the draft); their PDFs in one LibreOffice run."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [Written(notice_module.notice(Path(d), out_dir / (Path(d).stem + ".docx"), profile=profile)) for d in drafts]
    if pdf and written:
        pdfs = convert([w.out for w in written], "pdf", out_dir)
        for w in written:
            w.pdf = pdfs.get(w.out)
    return written


def format_document(source: Path, out: Path, pdf: bool = False, profile: str = "gbt9704") -> Written:
    """An unformatted Word draft (.docx/.doc/.wps) re-laid out as a 公文."""
    out = reformat.format_document(Path(source), Path(out), pdf=pdf, profile=profile)
    return Written(out, _pdf(out, pdf))


def check_document(file: Path, profile: str = "gbt9704", render: bool = False) -> CheckResult:
    """Every GB/T 9704 problem of a .docx; `render` also measures the page LibreOffice lays out."""
    problems = check.check_file(Path(file), profile=profile)
    if render:
        problems += layout_check.check_rendered(Path(file), profile=profile)
    return CheckResult(Path(file), problems)
