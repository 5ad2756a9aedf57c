"""The one document model every format reader produces.

A Document is an ordered list of blocks (Paragraph or Table). Tables keep merged
cells once, with their span; `grid()` repeats them into every position they
cover. Recognisers only ever see this model, never the source format.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Union


@dataclass
class Paragraph:
    text: str
    confidence: float | None = None   # OCR only
    page: int | None = None
    box: tuple[float, float, float, float] | None = None   # OCR only: where on the upright page (fractions)


@dataclass
class Cell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    confidence: float | None = None   # OCR only: the lowest confidence of the text in the cell
    checked: bool | None = None       # a content-control / form checkbox in the cell
    page: int | None = None           # OCR only: the page it was read on (1-based; None for a photo)
    box: tuple[float, float, float, float] | None = None   # OCR only: where on the upright page (fractions)

    def covers(self, r: int, c: int) -> bool:
        return self.row <= r < self.row + self.rowspan and self.col <= c < self.col + self.colspan


@dataclass
class Table:
    cells: list[Cell] = field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0
    page: int | None = None           # PDF page (1-based) or sheet index
    part: str = ""                    # e.g. "table 1", "sheet 统计表"
    nested: list["Table"] = field(default_factory=list)

    def add(self, cell: Cell) -> None:
        self.cells.append(cell)
        self.n_rows = max(self.n_rows, cell.row + cell.rowspan)
        self.n_cols = max(self.n_cols, cell.col + cell.colspan)

    def grid(self) -> list[list[str]]:
        """Rows of cell texts, merged cells repeated into every position they cover."""
        g = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    g[r][c] = cell.text
        return g

    def cell_grid(self) -> list[list[Cell | None]]:
        """Like grid(), but the Cell objects (the same object in every covered position)."""
        g: list[list[Cell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    g[r][c] = cell
        return g

    def rows(self) -> list[list[Cell]]:
        """Each row's distinct cells, left to right (a merged cell appears in its first row only)."""
        out: list[list[Cell]] = [[] for _ in range(self.n_rows)]
        for cell in sorted(self.cells, key=lambda c: (c.row, c.col)):
            out[cell.row].append(cell)
        return out

    @classmethod
    def from_grid(cls, rows: list[list[str]], **kw) -> "Table":
        """A table without merges from rows of texts."""
        t = cls(**kw)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                t.add(Cell(text=text or "", row=r, col=c))
        t.n_rows = max(t.n_rows, len(rows))
        return t


Block = Union[Paragraph, Table]


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    path: str = ""          # path as the user gave it (for zip members: archive.zip!member)
    format: str = ""        # docx doc wps xlsx xls et pdf pdf-scan image
    sha256: str = ""
    pages: int = 0          # pages (PDF, scan, photo) or sheets (workbook) seen; 0 when the format has none
    notes: list[str] = field(default_factory=list)   # Chinese notes for the file's outcome (pages skipped as blank …)

    def tables(self) -> Iterator[Table]:
        return (b for b in self.blocks if isinstance(b, Table))

    def paragraphs(self) -> Iterator[Paragraph]:
        return (b for b in self.blocks if isinstance(b, Paragraph))

    def source(self, part: str = "") -> dict:
        src = {"path": self.path, "sha256": self.sha256, "format": self.format}
        if part:
            src["part"] = part
        return src
