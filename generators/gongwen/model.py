"""What a 公文 is made of, independent of how it was written (draft file, Word draft, ledger).

Notices, 通报/总结 summaries and 催报 notices are all a Gongwen rendered by the
one engine (generators.gongwen.render). Body blocks are paragraphs (heading
levels come from the numbering in their text), tables and images.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Union


@dataclass
class BodyPara:
    """A body paragraph whose runs keep their bold (from a Word draft); plain str paragraphs are the usual case."""
    runs: list[tuple[str, bool]]

    @property
    def text(self) -> str:
        return "".join(t for t, _ in self.runs)


@dataclass
class BodyTable:
    rows: list[list[str]]
    header_rows: int = 1
    title: str = ""                 # centred caption above the table
    col_widths_mm: list[float] | None = None
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row, col, rowspan, colspan)


@dataclass
class BodyImage:
    path: Path
    width_mm: float = 150.0
    caption: str = ""


BodyBlock = Union[str, BodyPara, BodyTable, BodyImage]


@dataclass
class Attachment:
    name: str                       # 附件说明 text, e.g. "生产经营单位摸底登记表"
    file: Path | None = None        # a .docx whose body is appended as the attachment page(s)
    form: str | None = None         # a form_type from schema/forms: the blank (or filled) form is drawn
    form_values: dict | None = None # values to fill the drawn form with
    blocks: list[BodyBlock] = field(default_factory=list)  # inline content (tables from the draft)


@dataclass
class Gongwen:
    organs: list[str]                       # 发文机关 (several: 联合行文), lead organ first
    doc_number: str = ""                    # 发文字号, e.g. 城发改字〔2023〕15号
    title: str = ""
    recipients: str = ""                    # 主送机关, without the final colon
    body: list[BodyBlock] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)   # 署名 (one per organ)
    date: dt.date | None = None             # 成文日期
    sealed: bool = False
    signers: list[str] = field(default_factory=list)     # 签发人: non-empty means 上行文 layout
    copy_no: str = ""                       # 份号
    secret: str = ""                        # 密级和保密期限
    urgency: str = ""                       # 紧急程度
    organ_mark: str = ""                    # 发文机关标志 override (default: organs + 文件)
    letter: bool = False                    # 信函格式 (10.1): name over a red double rule, 字号 flush right, no 印发 line
    note: str = ""                          # 附注, e.g. 此件公开发布
    attachments: list[Attachment] = field(default_factory=list)
    cc: list[str] = field(default_factory=list)          # 抄送
    printer: str = ""                       # 印发机关
    print_date: dt.date | None = None       # 印发日期
    profile: str = "gbt9704"                # layout profile name (generators/gongwen/profiles/NAME.yaml)
