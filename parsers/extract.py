"""Extract a form's data from its table grid, one function per spec shape.

Each extractor takes the spec and a grid of Cell objects (merged cells repeated,
as Table.cell_grid() gives) and returns an Extraction: the data dict in the
SCHEMA.md shape, the cell each value came from (for OCR confidence) and the
normalisation warnings. Labels are matched fuzzily against the spec's synonyms.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import cdist

from parsers.model import Cell
from schema.keys import label_key as norm_label
from schema.marks import CELL, leading_mark, mark_number
from schema.normalize import (Normalized, answer_mark, asked_negatively, conforming_header, is_ditto,
                              normalize, vocab)
from schema.spec import Field, FormSpec

MATCH = 0.72          # a label matches a cell text at or above this score
STRONG = 0.9          # a cell this close to another label is a label, not a value
FUZZY = 0.95          # weight of the fuzzy (Indel) similarity; exact matches score above it
LENGTH_RATIO = (0.6, 1.6)     # bare label / text lengths compared fuzzily
Grid = list[list[Cell | None]]


def per_spec(fn):
    """fn(spec) kept for the same spec object (specs are loaded once and live on; a spec file changed on
    disk is a new object): what a spec implies is worked out once, not per file."""
    kept: dict[int, tuple[FormSpec, Any]] = {}

    def wrapper(spec: FormSpec):
        hit = kept.get(id(spec))
        if hit is None or hit[0] is not spec:
            if len(kept) > 256:
                kept.clear()
            hit = kept[id(spec)] = (spec, fn(spec))
        return hit[1]
    wrapper.__doc__ = fn.__doc__
    wrapper.cache_clear = kept.clear
    return wrapper


# --- label matching -----------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _bare(s: str) -> str:
    """Without parenthesised notes: 注册资本(万元) → 注册资本."""
    return re.sub(r"\([^)]*\)", "", s) or s


def _fuzzy(distance, length_sum):
    """FUZZY × the share of matching characters, 2·LCS / total length (rapidfuzz's fuzz.ratio, the
    normalised Indel similarity: difflib's ratio, which finds matches block by block, is at most
    this), 0 below MATCH; scalars or arrays alike."""
    ratio = 2.0 * ((length_sum - distance) // 2) / length_sum
    return FUZZY * ratio * (ratio >= MATCH)


@lru_cache(maxsize=262144)
def label_score(label: str, text: str) -> float:
    """How well `text` reads as `label` (0–1): exact, without notes, contained, fuzzy."""
    return _label_score(label, text)


def _label_score(label: str, text: str) -> float:
    a, b = norm_label(label), norm_label(text)
    if not a or not b:
        return 0.0
    return _score_forms(a, _bare(a), b, _bare(b))


def _score_forms(a: str, a0: str, b: str, b0: str) -> float:
    """label_score of normalised label `a` against normalised text `b` (both non-empty), given their
    forms without notes."""
    if a == b:
        return 1.0
    if a0 == b0:
        return 0.95
    best = 0.0
    for x, y in ((a, b), (a0, b0)):
        if len(x) >= 2 and x in y:
            best = max(best, 0.9 * len(x) / len(y) + 0.1 * (y.startswith(x) or y.endswith(x)))
    if LENGTH_RATIO[0] <= len(a0) / len(b0) <= LENGTH_RATIO[1]:
        best = max(best, _fuzzy(Indel.distance(a0, b0), len(a0) + len(b0)))
    return best


@lru_cache(maxsize=256)
def _label_forms(labels: tuple[str, ...]) -> tuple[list[str], list[str], np.ndarray, np.ndarray, bool]:
    """Normalised and bare forms of a label list, their lengths, and whether any had a note
    (once per spec's list)."""
    full = [norm_label(x) for x in labels]
    bare = [_bare(x) for x in full]
    return full, bare, np.array([len(x) for x in full]), np.array([len(x) for x in bare]), full != bare


def label_matrix(labels: tuple[str, ...], texts: tuple[str, ...], cutoff: float = 0.0) -> np.ndarray:
    """label_score of every label (rows) against every text (columns), 0 where under `cutoff`.
    The fuzzy part of all pairs at once (rapidfuzz cdist); pairs that may be equal, contained or
    equal without notes, enough to reach `cutoff`, get label_score itself."""
    if not labels or not texts:
        return np.zeros((len(labels), len(texts)))
    a, a0, la, la0, a_notes = _label_forms(labels)
    b, b0, lb, lb0, b_notes = _label_forms(texts)
    la, la0 = la[:, None], la0[:, None]
    lb_, lb0_ = np.maximum(lb, 1), np.maximum(lb0, 1)          # empty texts are zeroed below
    d0 = cdist(a0, b0, scorer=Indel.distance, dtype=np.int32, workers=1)
    ratio = la0 / lb0_
    out = np.where((ratio >= LENGTH_RATIO[0]) & (ratio <= LENGTH_RATIO[1]), _fuzzy(d0, la0 + lb0_), 0.0)
    # the other rules need the label to be a subsequence of the text (distance = length difference),
    # and long enough in it: label_score's containment score with prefix or suffix is the most
    d = cdist(a, b, scorer=Indel.distance, dtype=np.int32, workers=1) if a_notes or b_notes else d0
    near = (((d == lb - la) & (0.9 * la / lb_ + 0.1 >= cutoff))
            | ((d0 == lb0 - la0) & (0.9 * la0 / lb0_ + 0.1 >= cutoff)))
    for i, j in zip(*np.nonzero(near)):
        out[i, j] = label_score(labels[i], texts[j])
    out[:, lb == 0] = 0.0          # an empty text matches nothing (nor does an empty label)
    out[la[:, 0] == 0, :] = 0.0
    out[out < cutoff] = 0.0
    return out


@lru_cache(maxsize=256)
def _flat_groups(groups: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], list[int], list[int]]:
    """The groups' labels in one tuple, where each non-empty group starts in it, and those groups."""
    filled = [i for i, g in enumerate(groups) if g]
    starts = np.cumsum([0] + [len(groups[i]) for i in filled])[:-1].tolist()
    return tuple(lb for g in groups for lb in g), starts, filled


COLUMN_CACHE_TEXTS = 20_000   # texts whose score columns are kept per label list (labels repeat across returns)


class _Columns:
    """Score columns of texts already seen against one label list: `index[text]` is the text's column
    of `mat`; column 0 stays all zeros, shared by every text that scores nothing (most values)."""

    def __init__(self, rows: int):
        self.index: dict[str, int] = {}
        self.mat = np.zeros((rows, 64))
        self.used = 1                       # columns in use (the zero column)

    def add(self, texts: tuple[str, ...], scored: np.ndarray) -> None:
        hit = scored.any(axis=0)
        for t, h in zip(texts, hit):
            if not h:
                self.index[t] = 0
        if not hit.any():
            return
        if not hit.all():
            texts, scored = tuple(t for t, h in zip(texts, hit) if h), scored[:, hit]
        n = self.used
        if n + len(texts) > self.mat.shape[1]:
            grown = np.zeros((self.mat.shape[0], max(2 * self.mat.shape[1], n + len(texts))))
            grown[:, :n] = self.mat[:, :n]
            self.mat = grown
        self.mat[:, n:n + len(texts)] = scored
        self.used = n + len(texts)
        for j, t in enumerate(texts):
            self.index[t] = n + j


_columns_by_id: dict[tuple[int, float], tuple[tuple, "_GroupColumns"]] = {}


class _ByValue(dict):
    """(groups, cut-off) → its columns; clearing it forgets them all (the identity index too)."""

    def clear(self) -> None:
        super().clear()
        _columns_by_id.clear()


_columns: dict[tuple, "_GroupColumns"] = _ByValue()


class _TextScores:
    """label_score of each text seen against every label asked about so far, kept per text as its
    labels scoring at or above MATCH (a few): a text new to a return (a name, a date) is scored once
    against all the label lists, not once per list and cut-off, and only against the labels whose
    length lets them reach MATCH. label_matrix(…, cutoff) is this zeroed below the cut-off."""

    MAX_TEXTS = 50_000
    MAX_LABELS = 20_000
    ONE_BY_ONE = 16         # up to this many new texts are scored each against its length band only
    BLOCK = 2048            # more are scored in blocks of this many texts (bounded memory)

    generation = 0          # counts resets: label positions found before one are void

    def __init__(self):
        _TextScores.generation += 1
        self.labels: list[str] = []
        self.index: dict[str, int] = {}
        self.forms: list[tuple[str, str, int, int]] = []        # each label normalised, bare, their lengths
        self.by_char: dict[str, list[int]] = {}                 # character → the labels holding it
        self.texts: dict[str, tuple[int, np.ndarray, np.ndarray]] = {}   # text → (labels scored, at, score)
        self.at: dict[tuple[str, ...], np.ndarray] = {}

    def positions(self, labels: tuple[str, ...]) -> np.ndarray:
        """Where each label is in self.labels (added at the end when new)."""
        pos = self.at.get(labels)
        if pos is not None:
            return pos
        if len(self.labels) + len(labels) > self.MAX_LABELS:
            self.__init__()
        added = [lb for lb in dict.fromkeys(labels) if lb not in self.index]
        for lb in added:
            self.index[lb] = len(self.labels)
            self.labels.append(lb)
        for lb in added:
            a = norm_label(lb)
            for ch in set(a):
                self.by_char.setdefault(ch, []).append(len(self.forms))
            self.forms.append((a, _bare(a), len(a), len(_bare(a))))
        pos = self.at[labels] = np.array([self.index[lb] for lb in labels], dtype=np.intp)
        return pos

    def _score(self, text: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """(label positions, scores) of the labels from k on scoring >= MATCH against `text`. Only labels
        sharing a character with it are tried, and of those only the ones in label_score's length band
        (fuzzy) or short enough to be contained in it at >= (MATCH - 0.1) / 0.9 of its length."""
        b = norm_label(text)
        if not b:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        b0 = _bare(b)
        lb, lb0 = len(b), len(b0)
        low = (MATCH - 0.1) / 0.9 - 1e-9
        lo0, hi0 = LENGTH_RATIO[0] * lb0 - 1e-9, LENGTH_RATIO[1] * lb0 + 1e-9
        near: set[int] = set()
        for ch in set(b):
            near.update(self.by_char.get(ch, ()))
        at, score = [], []
        for i in sorted(near):
            if i < k:
                continue
            a, a0, la, la0 = self.forms[i]
            if lo0 <= la0 <= hi0 or low * lb <= la <= lb or low * lb0 <= la0 <= lb0:
                s = _score_forms(a, a0, b, b0)
                if s >= MATCH:
                    at.append(i)
                    score.append(s)
        return np.array(at, dtype=np.intp), np.array(score)

    def matrix(self, pos: np.ndarray, texts: tuple[str, ...]) -> np.ndarray:
        """label_matrix(labels at `pos`, texts, MATCH), from the kept scores (texts distinct)."""
        n = len(self.labels)
        if len(self.texts) + len(texts) > self.MAX_TEXTS:
            self.texts.clear()
        todo: dict[int, list[str]] = {}         # labels already scored → texts to score against the rest
        for t in texts:
            kept = self.texts.get(t)
            k = kept[0] if kept is not None else 0
            if k < n:
                todo.setdefault(k, []).append(t)
        for k, ts in todo.items():
            if len(ts) <= self.ONE_BY_ONE:
                scored = [self._score(t, k) for t in ts]
            else:                                # many texts: all pairs at once, a block at a time
                scored = []
                for c in range(0, len(ts), self.BLOCK):
                    m = label_matrix(tuple(self.labels[k:n]), tuple(ts[c:c + self.BLOCK]), MATCH)
                    scored += [(at + k, m[at, j]) for j in range(m.shape[1]) for at in [np.flatnonzero(m[:, j])]]
            for t, (at, score) in zip(ts, scored):
                kept = self.texts.get(t)
                if kept is not None:
                    at, score = np.concatenate([kept[1], at]), np.concatenate([kept[2], score])
                self.texts[t] = (n, at, score)
        out = np.zeros((len(pos), len(texts)))
        if all(not len(self.texts[t][1]) for t in texts):
            return out                          # no text scores on any label (a name, a date)
        dense = np.zeros(n)
        for j, t in enumerate(texts):
            _, at, score = self.texts[t]
            if len(at):
                dense[at] = score
                out[:, j] = dense[pos]
                dense[at] = 0.0
        return out


_scores = _TextScores()


class _GroupColumns(_Columns):
    """_Columns of one label-group tuple and cut-off, with the tuple's flat labels and their places."""

    def __init__(self, groups: tuple[tuple[str, ...], ...]):
        super().__init__(len(groups))
        self.groups = groups
        self.labels, self.starts, self.filled = _flat_groups(groups)
        self.pos: tuple[int, np.ndarray] | None = None     # (generation of _scores, label positions)


def _group_columns(groups: tuple[tuple[str, ...], ...], cutoff: float) -> _GroupColumns:
    """The columns kept for (groups, cutoff): found by the tuple's identity first (a spec's groups,
    asked about cell after cell), else by its value."""
    kept = _columns_by_id.get((id(groups), cutoff))
    if kept is not None and kept[0] is groups and len(kept[1].index) <= COLUMN_CACHE_TEXTS:
        return kept[1]
    cache = _columns.get((groups, cutoff))
    if cache is None or len(cache.index) > COLUMN_CACHE_TEXTS:
        cache = _columns[(groups, cutoff)] = _GroupColumns(groups)
    if len(_columns_by_id) > 1024:
        _columns_by_id.clear()
    _columns_by_id[(id(groups), cutoff)] = (groups, cache)
    return cache


def group_scores(groups: tuple[tuple[str, ...], ...], texts: tuple[str, ...], cutoff: float = 0.0) -> np.ndarray:
    """The best label_score of each label group (a field's synonyms) against each text, 0 under `cutoff`.

    A text's column depends on that text alone, so columns are kept per (groups, cutoff): the labels
    of a campaign's returns are the same texts file after file, and only new texts are scored (once
    for every label list, _TextScores, when `cutoff` >= MATCH)."""
    cache = _group_columns(groups, cutoff)
    if not cache.labels or not texts:
        return np.zeros((len(groups), len(texts)))
    index = cache.index
    new = tuple(t for t in dict.fromkeys(texts) if t not in index)
    if new:
        if cutoff >= MATCH:
            if cache.pos is None or cache.pos[0] != _scores.generation:
                cache.pos = (_scores.generation, _scores.positions(cache.labels))
            m = _scores.matrix(cache.pos[1], new)
            m[m < cutoff] = 0.0
        else:
            m = label_matrix(cache.labels, new, cutoff)
        scored = np.zeros((len(groups), len(new)))
        if m.any():
            scored[cache.filled] = np.maximum.reduceat(m, cache.starts, axis=0)
        cache.add(new, scored)
    return cache.mat[:, [index[t] for t in texts]]


class _FieldMemo:
    """One field list's label groups, its scores of texts and its header-row mappings, kept while
    the list's fields live (specs are loaded once): no tuple of labels hashed per cell."""

    MAX = 65536

    def __init__(self, fields: list[Field]):
        self.fields = list(fields)
        self.groups = tuple(tuple(f.labels) for f in fields)
        self.scores: dict[str, tuple[list[float], list[tuple[int, float]], float]] = {}
        self.rows: dict[tuple, tuple[tuple[int, int], ...]] = {}     # row texts → (column, field index)

    def _get(self, text: str) -> tuple[list[float], list[tuple[int, float]], float]:
        s = self.scores.get(text)
        if s is None:
            if len(self.scores) > self.MAX:
                self.scores.clear()
            scores = group_scores(self.groups, (text,), MATCH)[:, 0].tolist()
            hits = [(k, v) for k, v in enumerate(scores) if v >= MATCH]
            s = self.scores[text] = (scores, hits, max(scores, default=0.0))
        return s

    def score(self, text: str) -> list[float]:
        """Each field's score (0 under MATCH)."""
        return self._get(text)[0]

    def hits(self, text: str) -> list[tuple[int, float]]:
        """(field index, score) of the fields scoring at least MATCH."""
        return self._get(text)[1]

    def best(self, text: str) -> float:
        """The best field's score."""
        return self._get(text)[2]


_memos: dict[tuple[int, ...], _FieldMemo] = {}
_memo_of_list: dict[int, tuple[list[Field], _FieldMemo]] = {}


def _memo(fields: list[Field]) -> _FieldMemo:
    """The memo of a field list: by the list object (a caller's list used cell after cell), else by
    its fields (a list made afresh per call, as spec.all_fields() is)."""
    kept = _memo_of_list.get(id(fields))
    if kept is not None and kept[0] is fields and len(kept[1].fields) == len(fields):
        return kept[1]
    key = tuple(map(id, fields))
    memo = _memos.get(key)
    if memo is None or any(a is not b for a, b in zip(memo.fields, fields)):
        if len(_memos) > 1024:
            _memos.clear()
        memo = _memos[key] = _FieldMemo(fields)
    if len(_memo_of_list) > 256:
        _memo_of_list.clear()
    _memo_of_list[id(fields)] = (fields, memo)
    return memo


def field_scores(fields: list[Field], text: str) -> list[float]:
    """field_score of each field for one text, in one go; 0 under MATCH (a field that does not match)."""
    return _memo(fields).score(text)


def field_hits(fields: list[Field], text: str) -> list[tuple[Field, float]]:
    """(field, score) of the fields whose score is at least MATCH, in the fields' order."""
    memo = _memo(fields)
    return [(memo.fields[k], s) for k, s in memo.hits(text)]


def best_field_score(fields: list[Field], text: str) -> float:
    """max(field_scores(fields, text)), 0.0 for no fields."""
    return _memo(fields).best(text)


def field_score(f: Field, text: str) -> float:
    return max((label_score(lb, text) for lb in f.labels), default=0.0)


def distinct(row: list[Cell | None]) -> list[Cell]:
    """A grid row's cells left to right, each merged cell once."""
    out: list[Cell] = []
    for c in row:
        if c is not None and (not out or out[-1] is not c):
            out.append(c)
    return out


def set_path(data: dict, key: str, value: Any) -> None:
    parts = key.split(".")
    for p in parts[:-1]:
        data = data.setdefault(p, {})
    data[parts[-1]] = value


@dataclass
class Extraction:
    data: dict = field(default_factory=dict)
    cells: dict[str, Cell] = field(default_factory=dict)         # "data.x" → source cell
    warnings: list[tuple[str, str, str]] = field(default_factory=list)  # (path, code, message)

    def put(self, path: str, kind: str, raw: Any, cell: Cell | None, target: dict | None = None,
            key: str | None = None) -> Any:
        """Normalise `raw` as `kind`, store it at `key` in `target` (default data), note cell and warning."""
        n = normalize(kind, excel_serial(kind, raw))
        set_path(self.data if target is None else target, key or path.split(".", 1)[1], n.value)
        if cell is not None:
            self.cells[path] = cell
        if n.warning:
            self.warnings.append((path, n.warning[0], n.warning[1]))
        return n.value


EXCEL_SERIAL = re.compile(r"^\s*([2-6]\d{4})(\.0+)?\s*$")    # 1954-10 … 2064-04


def excel_serial(kind: str, raw: Any) -> Any:
    """A date typed as an Excel day number (44990, shown by a General-format cell) as that number."""
    if kind in ("date", "month") and isinstance(raw, str) and EXCEL_SERIAL.match(raw):
        return int(EXCEL_SERIAL.match(raw).group(1))
    return raw


def _cell_text(c: Cell | None) -> str:
    return c.text if c is not None else ""


# --- label_grid -----------------------------------------------------------------------------

def _section_of(spec: FormSpec, text: str) -> str | None:
    for key, labels in (spec.layout.get("sections") or {}).items():
        if any(label_score(lb, text) >= STRONG for lb in labels):
            return key
    return None


def _best_field(fields: list[Field], text: str, section: str | None, done: set[str]) -> tuple[Field | None, float]:
    """The field this label cell names; ties go to the current section, then unfilled fields."""
    best, best_key = None, (0.0,)
    for f, s in field_hits(fields, text):
        k = (round(s, 2) >= STRONG, f.key not in done, section is not None and f.section == section, s)
        if best is None or k > best_key:
            best, best_key = f, k
    return best, (best_key[-1] if best else 0.0)


def _is_label(fields: list[Field], text: str) -> bool:
    t = norm_label(text)
    if not t or len(t) > 40:
        return False
    return best_field_score(fields, text) >= STRONG


PERSON_NAME = re.compile(r"^(姓\s*名)\s*[:：]?")
PERSON_MOBILE = ("手机号码", "手机号", "手机", "联系电话", "电话")


def _person(cells: list[Cell], i: int, fields: list[Field]) -> tuple[str, str, int, Cell | None]:
    """Read 姓名 / 手机号码 from the cells after a person label; returns name, mobile, next index."""
    name, mobile, src = "", "", None
    j = i + 1
    while j < len(cells):
        t = cells[j].text.strip()
        if _is_label(fields, t) and not PERSON_NAME.match(t) and norm_label(t) not in PERSON_MOBILE:
            break
        if norm_label(t) in PERSON_MOBILE or norm_label(t).rstrip(":：") in PERSON_MOBILE:
            if j + 1 < len(cells):
                mobile, src = cells[j + 1].text, src or cells[j + 1]
            j += 2
            continue
        m = PERSON_NAME.match(t)
        if m:
            rest = t[m.end():].strip()
            if rest:
                name, src = rest, cells[j]
            elif j + 1 < len(cells) and not _is_label(fields, cells[j + 1].text):
                name, src = cells[j + 1].text, cells[j + 1]
                j += 1
        elif t and not name:
            name, src = t, cells[j]
        elif t and not mobile:
            mobile = t
        j += 1
    return name, mobile, j, src


def _value_below(spec: FormSpec, fields: list[Field], grid: Grid, r: int) -> Cell | None:
    """The one text cell of the row under a label-only row, when it is a value (no label, no section)."""
    if r + 1 >= len(grid):
        return None
    below = [c for c in distinct(grid[r + 1]) if c.text.strip()]
    if len(below) != 1 or below[0].row != r + 1:
        return None
    text = below[0].text.strip()
    m = LABEL_COLON.match(text)
    if _is_label(fields, text) or _section_of(spec, text) or (m and _is_label(fields, m.group(1))):
        return None
    return below[0]


LABEL_COLON = re.compile(r"^(.{2,30}?)[:：]")             # a cell starting "label："
INLINE_VALUE = re.compile(r"^(.{2,30}?)[:：](.*)$", re.S)   # "检查日期：2023年3月5日" in one cell


@per_spec
def body_fields(spec: FormSpec) -> list[Field]:
    """The form's body fields (one list per spec: field_scores' memo finds it by the list itself)."""
    return list(spec.fields.values())


def extract_label_grid(spec: FormSpec, grid: Grid, ex: Extraction | None = None) -> Extraction:
    """label | value pairs, several per row; 主要负责人 | 姓名 | 手机号码 person rows."""
    ex = ex or Extraction()
    fields = body_fields(spec)
    section: str | None = None
    done: set[str] = set()
    merged: dict[int, list[str]] = {}     # a label merged down over several value rows → its values
    taken: set[int] = set()               # rows read as the value of the label row above
    for r, row in enumerate(grid):
        if r in taken:
            continue
        cells = distinct(row)
        texts = [c.text.strip() for c in cells if c.text.strip()]
        if len(texts) == 1 and _section_of(spec, texts[0]):
            section = _section_of(spec, texts[0])
            continue
        i = 0
        while i < len(cells):
            text = cells[i].text.strip()
            inline = None
            m = INLINE_VALUE.match(text)
            f, score = _best_field(fields, text, section, done)
            if m and (f is None or score < STRONG or m.group(2).strip()):   # "检查日期：2023年3月5日" in one cell
                g, s2 = _best_field(fields, m.group(1), section, done)
                if g is not None and s2 >= STRONG:
                    f, inline = g, m.group(2).strip()
            if f is None:
                i += 1
                continue
            path = "data." + f.key
            if f.kind == "person":
                if inline:
                    name, mobile, nxt, src = inline, "", i + 1, cells[i]
                else:
                    name, mobile, nxt, src = _person(cells, i, fields)
                ex.put(path, "person", (name, mobile), src)
                done.add(f.key)
                i = nxt
                continue
            if inline is not None:
                raw, src, nxt = inline, cells[i], i + 1
            elif i + 1 < len(cells) and not _is_label(fields, cells[i + 1].text):
                raw, src, nxt = cells[i + 1].text, cells[i + 1], i + 2
            elif len(texts) == 1 and (below := _value_below(spec, fields, grid, r)) is not None:
                raw, src, nxt = below.text, below, i + 1      # 存在问题： on its own row, the text under it
                taken.add(r + 1)
            else:
                raw, src, nxt = "", None, i + 1
            if inline is None and cells[i].rowspan > 1 and raw.strip():
                merged.setdefault(id(cells[i]), []).append(raw)
                raw = "\n".join(merged[id(cells[i])])
                src = ex.cells.get(path, src)
            ex.put(path, f.kind, raw, src)
            if f.derive:
                compact = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw or ""))
                if len(compact) == int(f.derive.get("length", 18)):
                    n = normalize(f.derive["kind"], compact)
                    set_path(ex.data, f.derive["key"], n.value)
                    if src is not None:
                        ex.cells["data." + f.derive["key"]] = src
            done.add(f.key)
            i = nxt
    return ex


# --- column headers (item_marks, row_list) ---------------------------------------------------

def find_header_row(columns: list[Field], grid: Grid, start: int = 0,
                    keys: list[tuple] | None = None) -> tuple[int, dict[int, Field]]:
    """The first row naming at least two columns, and its column index → field map (`keys`: the
    grid's row_key()s when the caller has them)."""
    memo = _memo(columns)
    for r in range(start, len(grid)):
        kept = _mapped_row(memo, keys[r] if keys is not None else row_key(grid[r]))
        if len(kept) >= 2:
            return r, {c: memo.fields[k] for c, k in kept}
    return -1, {}


def row_key(row: list[Cell | None]) -> tuple[str | None, ...]:
    """A row's texts, each merged cell once (None where it goes on): all a column mapping depends on."""
    seen: set[int] = set()
    key = []
    for cell in row:
        if cell is None or id(cell) in seen:
            key.append(None)
        else:
            seen.add(id(cell))
            key.append(cell.text)
    return tuple(key)


def map_columns(columns: list[Field], row: list[Cell | None]) -> dict[int, Field]:
    """Column index → field for a header row (best match first, each used once)."""
    memo = _memo(columns)
    return {c: memo.fields[k] for c, k in _mapped_row(memo, row_key(row))}


def _mapped_row(memo: "_FieldMemo", key: tuple[str | None, ...]) -> tuple[tuple[int, int], ...]:
    kept = memo.rows.get(key)
    if kept is None:
        if len(memo.rows) > memo.MAX:
            memo.rows.clear()
        kept = memo.rows[key] = _map_columns(memo, key)
    return kept


def _map_columns(memo: _FieldMemo, texts: tuple[str | None, ...]) -> tuple[tuple[int, int], ...]:
    pairs = []
    for c, text in enumerate(texts):
        if text is None:
            continue
        for k, s in enumerate(memo.score(text)):
            if s >= MATCH:
                pairs.append((s, c, k))
    out: dict[int, int] = {}
    used: set[str] = set()
    for s, c, k in sorted(pairs, key=lambda p: -p[0]):
        key = memo.fields[k].key
        if c not in out and key not in used:
            out[c], used = k, used | {key}
    return tuple(out.items())


ASKS_HAS = re.compile(r"有无|是否有|有没有")
NOTE_ROW = re.compile(r"^\s*(备\s*注|注|说明|填报说明|填表说明)\s*[:：]")


@lru_cache(maxsize=1)
def _trailing_answer_rx() -> re.Pattern:
    """An answer typed after a checklist item: …？是, …：否, …（是）, … √ (separated from the question)."""
    v = vocab()
    words = set(v["answer"][True]) | set(v["answer"][False]) | {"无"} | {
        w for k in ("yes", "no") for w in v["mark"][k] if not re.search(r"[A-Za-z0-9]|整改|落实|^对$", w)}
    alt = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(rf"(?:[？?：:]\s*|\s+)({alt})\s*$|[（(]\s*({alt})\s*[)）]\s*$")


def trailing_answer(content: str) -> tuple[str, str] | None:
    """(the item without it, the answer) when an item ends in its answer, else None."""
    m = _trailing_answer_rx().search(content)
    if not m or m.start() == 0:
        return None
    return content[:m.start()].rstrip(), m.group(1) or m.group(2)


def _answer_in_item(answer: str, item_text: str) -> Normalized:
    """The mark an answer typed after the item means (是 to an item asked negatively is "no")."""
    negative = asked_negatively(item_text)
    if answer == "无":                          # 有无… answered 无 is no; 是否存在… answered 无 is yes
        return Normalized("no" if ASKS_HAS.search(item_text) else "yes" if negative else None)
    return answer_mark(answer, negative) or normalize("mark", answer)


def _is_note_row(cells: list[Cell]) -> bool:
    texts = [c.text for c in cells if c.text.strip()]
    return len(texts) == 1 and bool(NOTE_ROW.match(texts[0]))


def _listed(text: str) -> bool:
    """An item cell holding a numbered list: a line after the first starts with a number (2.…)."""
    return any(leading_mark(ln.strip(), CELL) for ln in text.split("\n")[1:] if ln.strip())


def _flat(text: str) -> str:
    v = normalize("text", text).value
    return v.replace("\n", "") if v else ""


def extract_item_marks(spec: FormSpec, grids: list[Grid]) -> Extraction:
    """Label-grid head, then numbered items under 自查项目 | 自查内容 | 自查结果 | 检查结果."""
    ex = Extraction()
    first = grids[0]
    hr, mapping = find_header_row(spec.read_columns(), first)
    if hr < 0:
        return extract_label_grid(spec, first, ex)
    extract_label_grid(spec, first[:hr], ex)
    items: list[dict] = []
    category, last_cat_cell = None, None
    head_row = first[hr]
    marks = [c for c in spec.columns if c.kind == "mark"]
    for g_i, grid in enumerate(grids):
        start = hr + 1 if g_i == 0 else 0
        if g_i:
            r2, m2 = find_header_row(spec.read_columns(), grid)
            if r2 >= 0:
                start, mapping, head_row = r2 + 1, m2, grid[r2]
        by_key = {f.key: c for c, f in mapping.items()}
        if marks and not any(f.key in by_key for f in marks):
            by_key = _answers_column(spec, mapping, by_key, marks[0], grid[start:])
        # a result column headed 是否符合 takes 是 as 符合 even for an item asked negatively
        conforming = {k for k, c in by_key.items() if c < len(head_row) and conforming_header(_cell_text(head_row[c]))}
        for row in grid[start:]:
            cells = distinct(row)
            if not any(c.text.strip() for c in cells) or _is_note_row(cells):
                continue
            get = lambda k: row[by_key[k]] if k in by_key and by_key[k] < len(row) else None  # noqa: E731
            cat_cell, content_cell = get("category"), get("content")
            content = _cell_text(content_cell).strip()
            if not content:
                continue
            if cat_cell is not None and cat_cell is not last_cat_cell and cat_cell.text.strip():
                category = _flat(cat_cell.text)
            last_cat_cell = cat_cell
            m = leading_mark(content, CELL)
            no = normalize("count", _cell_text(get("no"))).value if "no" in by_key else None
            if not isinstance(no, int):
                no = mark_number(m) if m else (items[-1]["no"] + 1 if items and items[-1]["no"] else None)
            elif m and mark_number(m) != no:
                m = None                    # the item's own number ((1) under 序号 2) is part of its text
            i = len(items)
            if _listed(content):            # 1.…；\n2.…；: a numbered list in one item stays as written
                text = normalize("text", content).value or ""
            else:
                text = _flat(content[m.end():] if m else content)
            item = {"no": no, "category": category, "content": text}
            typed = None if any(f.key in by_key for f in marks) else trailing_answer(item["content"])
            if typed is None and not any(f.key in by_key for f in marks) and not _listed(content):
                # the answer after a space (是否设置警示标志 是): the space is gone once the text is flat
                raw = trailing_answer(unicodedata.normalize("NFKC", content[m.end():] if m else content).strip())
                typed = (_flat(raw[0]), raw[1]) if raw else None
            if typed:                                   # no result column: the answer after the item
                item["content"] = typed[0]
                answer = _answer_in_item(typed[1], typed[0])
                if answer.value is not None:
                    item[marks[0].key] = answer.value
                    ex.cells[f"data.{spec.rows_key}[{i}].{marks[0].key}"] = content_cell
            for key, cell in (("content", content_cell), ("category", cat_cell), ("no", get("no"))):
                if cell is not None and cell.text.strip():
                    ex.cells[f"data.{spec.rows_key}[{i}].{key}"] = cell
            negative = asked_negatively(item["content"])
            for f in (c for c in spec.columns if c.kind == "mark"):     # the spec's result columns
                key = f.key
                if key in by_key:                        # a result column the form lacks stays absent
                    cell, path = get(key), f"data.{spec.rows_key}[{i}].{key}"
                    answer = answer_mark(_cell_text(cell), negative and key not in conforming)
                    if answer is None and norm_label(_cell_text(cell)) == "无" and ASKS_HAS.search(item["content"]):
                        answer = normalize("mark", "×")          # 有无… answered 无: not a blank
                    if answer is not None:               # 是 / 否 words, not √ / × marks
                        item[key] = answer.value
                        ex.cells[path] = cell
                    else:
                        ex.put(path, f.kind, _cell_text(cell), cell, item, key)
            for f in spec.columns:                       # other columns the return has (存在问题)
                if f.kind != "mark" and f.key not in ("category", "content") and f.key in by_key:
                    ex.put(f"data.{spec.rows_key}[{i}].{f.key}", f.kind, _cell_text(get(f.key)), get(f.key),
                           item, f.key)
            items.append(item)
    ex.data[spec.rows_key] = items
    return ex


def _answers_column(spec: FormSpec, mapping: dict[int, Field], by_key: dict[str, int], result: Field,
                    rows: Grid) -> dict[str, int]:
    """by_key with `result` read from a parse-only column (备注) whose every filled cell is an answer
    (是 / 否 / 符合 / 不符合 / √ / ×): a form with no result column answers there."""
    own = {f.key for f in spec.columns}
    for c, f in sorted(mapping.items()):
        if f.key in own or f.kind != "text":
            continue
        values = [_cell_text(r[c]).strip() for r in rows if c < len(r) and r[c] is not None]
        values = [v for v in values if v]
        if values and all(answer_mark(v, False) is not None or normalize("mark", v).warning is None for v in values):
            return {**{k: v for k, v in by_key.items() if k != f.key}, result.key: c}
    return by_key


def _column_score(columns: list[Field], texts: list[str]) -> list[float]:
    """Each column's best field score over a header cell's readings (the leaf, parent + leaf)."""
    best = [0.0] * len(columns)
    for t in texts:
        best = [max(a, b) for a, b in zip(best, field_scores(columns, t))]
    return best


def header_band(columns: list[Field], grid: Grid, hr: int, mapping: dict[int, Field]) -> tuple[int, dict[int, Field]]:
    """(last header row, column map) when the header goes on below row `hr` (a header of two or three
    rows with merged parents: 隐患 over 部位 | 描述): each row below whose new cells mostly name a
    column, alone or after the text above them, and hold no number, is header too; columns are then mapped by
    their lowest text, read alone and after its parent."""
    end = hr
    while end + 1 < len(grid) and end - hr < 2:
        above = {id(c) for c in grid[end] if c is not None}
        row = grid[end + 1]
        new = [(c, cell) for c, cell in enumerate(row) if cell is not None and id(cell) not in above
               and cell.text.strip() and (c == 0 or row[c - 1] is not cell)]
        if not new or _numeric_row([cell for _, cell in new]):
            break
        parent = lambda c: _cell_text(grid[end][c]).strip() if c < len(grid[end]) else ""  # noqa: E731
        named = sum(max(_column_score(columns, [cell.text, parent(c) + cell.text]), default=0) >= MATCH
                    for c, cell in new)
        if 2 * named < len(new):
            break
        end += 1
    if end == hr:
        return hr, mapping
    pairs = []
    n_cols = max(len(r) for r in grid[hr:end + 1])
    for c in range(n_cols):
        path = [t for t in column_paths(grid[hr:end + 1], end + 1 - hr)[c]] if c < n_cols else []
        if not path:
            continue
        texts = [path[-1]] + (["".join(path[-2:])] if len(path) > 1 else [])
        pairs += [(s, c, f) for f, s in zip(columns, _column_score(columns, texts)) if s >= MATCH]
    out: dict[int, Field] = {}
    used: set[str] = set()
    for s, c, f in sorted(pairs, key=lambda p: -p[0]):
        if c not in out and f.key not in used:
            out[c], used = f, used | {f.key}
    return end, out


def extract_row_list(spec: FormSpec, grids: list[Grid]) -> Extraction:
    """序号-numbered rows under one header row; empty numbered rows dropped."""
    ex = Extraction()
    rows: list[dict] = []
    mapping: dict[int, Field] = {}
    prev_raw: dict[str, str] = {}
    for grid in grids:
        hr, m = find_header_row(spec.read_columns(), grid)
        if hr >= 0:
            mapping = m
            hr, mapping = header_band(spec.read_columns(), grid, hr, m)
        for row in grid[hr + 1:]:
            cells = distinct(row)
            if _is_note_row(cells) or total_row(spec, cells):
                continue                        # notes; a 合计 / 小计 row is not an item of the list
            filled = [c for c, f in mapping.items() if f.key != "seq" and c < len(row)
                      and row[c] is not None and row[c].text.strip()]
            if not filled:
                continue
            out: dict = {}
            i = len(rows)
            for c, f in sorted(mapping.items()):
                cell = row[c] if c < len(row) else None
                raw = _cell_text(cell)
                if is_ditto(raw) and f.key in prev_raw:      # 同上: the row above's value
                    raw = prev_raw[f.key]
                prev_raw[f.key] = raw
                ex.put(f"data.{spec.rows_key}[{i}].{f.key}", f.kind, raw, cell, out, f.key)
            rows.append(out)
    ex.data[spec.rows_key] = rows
    return ex


# --- header_matrix ---------------------------------------------------------------------------

UNITS_CELL = re.compile(r"^[(（][^()（）]{0,6}[)）]$")


UNITS_SHARE = 0.8        # of a wide units row's cells ((人)(家)(处)…): one unit misread (OCR "3)") is still that row


def _units_row(cells: list[Cell]) -> bool:
    """A header's row of units: every cell a unit, or in a row of 6 or more cells UNITS_SHARE of them."""
    texts = [norm_label(c.text) for c in cells if c.text.strip()]
    units = sum(bool(UNITS_CELL.match(unicodedata.normalize("NFKC", t))) for t in texts)
    return bool(texts) and (units == len(texts) or (len(texts) >= 6 and units >= UNITS_SHARE * len(texts)))


def _numeric_row(cells: list[Cell]) -> bool:
    return any(re.fullmatch(r"[\d.,，]+", norm_label(c.text) or "x") for c in cells)


def column_paths(grid: Grid, n_header: int) -> list[list[str]]:
    """Each column's header path: the distinct texts down the header rows."""
    n_cols = max((len(r) for r in grid), default=0)
    paths = []
    for c in range(n_cols):
        path: list[str] = []
        for r in range(n_header):
            cell = grid[r][c] if c < len(grid[r]) else None
            t = cell.text.strip() if cell is not None else ""
            if t and (not path or path[-1] != t):
                path.append(t)
        paths.append(path)
    return paths


def path_score(f: Field, path: list[str]) -> float:
    """How well a table column's header path matches a spec column (levels in order, last to last)."""
    if not path:
        return 0.0
    if not f.path:
        return max(field_score(f, path[0]), field_score(f, path[-1]))
    if len(path) == 1:          # parent and child in one cell: 一般隐患排查（项）
        joined = max((label_score(lb, path[0]) for lb in f.joined_labels()), default=0.0)
        if joined >= MATCH:
            return 0.6 * joined + 0.4
    elif len(f.path) >= 3 and any(label_score(lb, path[-1]) >= MATCH for lb in f.joined_labels()):
        # the same under a grandparent: 检查工作开展情况 / 一般隐患排查
        return path_score(replace(f, path=f.path[:-2] + [f.joined_labels()]), path)
    scores, k = [], 0
    for level_i, level in enumerate(f.path):
        last = level_i == len(f.path) - 1
        cands = [path[-1]] if last else path[k:-1] if len(path) > 1 else []
        if not cands:           # no parent text at all (行政罚款（万元） merged down): neither right nor wrong
            scores.append(0.5)
            continue
        best, best_j = 0.0, None
        for j, t in enumerate(cands):
            s = max(label_score(lb, t) for lb in level)
            if s > best:
                best, best_j = s, j
        if last and best < MATCH:
            return 0.0
        if best >= MATCH and not last:
            k += best_j + 1
        scores.append(best if best >= MATCH else 0.0)
    # the parents may be missing in other layouts, but a wrong parent is worse than none
    return 0.6 * scores[-1] + 0.4 * (sum(scores[:-1]) / max(1, len(scores) - 1) if len(scores) > 1 else 1.0)


_mapped: dict[tuple, tuple[FormSpec, dict[int, Field]]] = {}


def map_matrix(spec: FormSpec, paths: list[list[str]]) -> dict[int, Field]:
    """Table column → spec column; kept per spec and header paths (the same header file after file)."""
    key = (id(spec), tuple(map(tuple, paths)))
    kept = _mapped.get(key)
    if kept is not None and kept[0] is spec:
        return dict(kept[1])
    out = _map_matrix(spec, paths)
    if len(_mapped) > 4096:
        _mapped.clear()
    _mapped[key] = (spec, out)
    return dict(out)


def _map_matrix(spec: FormSpec, paths: list[list[str]]) -> dict[int, Field]:
    pairs = [(path_score(f, p), c, f) for c, p in enumerate(paths) for f in spec.read_columns()]
    out: dict[int, Field] = {}
    used: set[str] = set()
    for s, c, f in sorted((p for p in pairs if p[0] >= 0.6), key=lambda p: -p[0]):
        if c not in out and f.key not in used:
            out[c], used = f, used | {f.key}
    return out


def header_depth(grid: Grid) -> tuple[int, int]:
    """(rows of header text, first data row): the header ends at the units row or the first number."""
    prev: set[int] = set()
    for r, row in enumerate(grid):
        cells = [c for c in distinct(row) if id(c) not in prev]   # cells begun in this row
        prev = {id(c) for c in distinct(row)}
        if _units_row(cells):
            return r, r + 1
        if r > 0 and _numeric_row(cells):
            return r, r
    return len(grid), len(grid)


TOTAL_PREFIX = 12        # characters a total label may follow: 北石店镇小计, 全市合计


def total_row(spec: FormSpec, cells: list[Cell]) -> tuple[str, str] | None:
    """("total" | "subtotal", its label) when one of the row's first two cells is a 合计 / 小计 label
    (北石店镇小计, or 北石店镇 | 小计 with the town merged down); else None."""
    texts = [c.text.strip() for c in cells[:2] if c.text.strip()]
    for k, text in enumerate(texts):
        t = norm_label(text)
        for label in map(norm_label, spec.total_labels + list(vocab()["subtotal_labels"])):
            if t == label or t.endswith(label) and len(t) - len(label) <= TOTAL_PREFIX:
                kind = "subtotal" if any(label == norm_label(s) for s in vocab()["subtotal_labels"]) else "total"
                return kind, "".join(norm_label(x) for x in texts[:k + 1])
    return None


def check_subtotals(spec: FormSpec, ex: Extraction, rows: list[dict],
                    subtotals: list[tuple[str, dict, int, int]]) -> None:
    """Each 小计 equals the sum of its group's rows (rows[start:end]), else warning total naming it."""
    from schema.labels import field_label
    keys = [k for r in spec.rules if r.get("rule") == "totals" for k in r.get("keys") or []]
    for label, values, start, end in subtotals:
        for key in keys:
            written, group = values.get(key), [r.get(key) for r in rows[start:end]]
            if not _number(written) or not group or any(v is not None and not _number(v) for v in group):
                continue
            expected = round(sum(v for v in group if v is not None), 6)
            if abs(expected - written) > 1e-6:
                name = re.sub(r"（[^（）]*）$", "", field_label(spec.form_type, f"data.{spec.rows_key}[].{key}"))
                lines = f"第{start + 1}行" if end - start == 1 else f"第{start + 1}至{end}行"
                ex.warnings.append((f"data.{spec.rows_key}[{end - 1}].{key}", "total",
                                    f"{label}的{name}填写为{_fmt(written)}，{lines}相加应为{_fmt(expected)}"))


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _text_across(cells: list[Cell], mapping: dict[int, Field]) -> bool:
    """A row holding one text (not a number) merged across most of the count columns."""
    counts = [c for c, f in mapping.items() if f.key != "unit" and f.kind != "text"]
    return any(c.colspan >= max(2, len(counts) // 2) and c.text.strip()
               and normalize("count", c.text).warning is not None for c in cells)


PLAIN_NUMBER = re.compile(r"^\s*\d+(\.\d+)?\s*$")


def extract_header_matrix(spec: FormSpec, grids: list[Grid]) -> Extraction:
    """Rows of counts under a multi-row merged header; 合计 → totals, each 小计 checked against its
    group's rows; text rows attach to their unit."""
    ex = Extraction()
    grid = [row for g in grids for row in g]
    n_header, first = header_depth(grid)
    mapping = map_matrix(spec, column_paths(grid, n_header))
    rows: list[dict] = []
    totals: dict | None = None
    subtotals: list[tuple[str, dict, int, int]] = []      # (label, values, first row, end row) of its group
    group_start, group_name = 0, ""
    for row in grid[first:]:
        cells = distinct(row)
        if not any(c.text.strip() for c in cells) or _is_note_row(cells) or _units_row(cells):
            continue
        text_hit = None
        for k, cell in enumerate(cells):
            for tf, s in zip(spec.text_rows, field_scores(spec.text_rows, cell.text)):
                if s >= STRONG:
                    text_hit = (tf, cells[k + 1] if k + 1 < len(cells) else None, cells[:k])
                    break
            if text_hit:
                break
        if text_hit:
            tf, vcell, before = text_hit
            # the unit's own row: named before the label (a block at the end), else the row above
            named = {norm_label(c.text) for c in before if c.text.strip()}
            i = next((j for j, r in enumerate(rows) if norm_label(str(r.get("unit") or "")) in named),
                     len(rows) - 1)
            if rows:
                ex.put(f"data.{spec.rows_key}[{i}].{tf.key}", tf.kind, _cell_text(vcell), vcell, rows[i], tf.key)
            continue
        if _text_across(cells, mapping):
            continue            # 主要做法 | one text merged across the counts: no unit (kept in unused_cells)
        total = total_row(spec, cells)
        is_total = total is not None
        numbers = [c for c, f in mapping.items() if f.key != "unit" and not f.label_fallback
                   and c < len(row) and row[c] is not None and row[c].text.strip()]
        fallback_cols = [c for c, f in mapping.items() if f.label_fallback]
        has_fallback_number = any(
            c < len(row) and row[c] is not None and row[c].text.strip()
            and normalize("count", row[c].text).warning is None for c in fallback_cols)
        if not numbers and not has_fallback_number and not is_total:
            group_name = norm_label(next((c.text for c in cells if c.text.strip()), ""))
            continue        # a group label row (检查组 name without numbers)
        out: dict = {}
        if total and total[0] == "subtotal":
            prefix = f"data.subtotals[{len(subtotals)}]"
        else:
            prefix = "data.totals" if is_total else f"data.{spec.rows_key}[{len(rows)}]"
        for c, f in sorted(mapping.items()):
            cell = row[c] if c < len(row) else None
            raw = _cell_text(cell)
            if is_total and (f.key == "unit" or cell is cells[0] or raw.strip() and total[1].endswith(norm_label(raw))):
                continue
            if f.label_fallback and raw.strip() and normalize(f.kind, raw).warning:
                out[f.label_fallback] = _flat(raw)
                out[f.key] = None
                continue
            if f.parts:         # 1.5万元（2次）
                put_parts(ex, f, raw, cell, prefix, out)
            else:               # a text column among counts (其他) holding a plain number is a count
                kind = "count" if f.kind == "text" and f.key != "unit" and PLAIN_NUMBER.match(raw) else f.kind
                ex.put(f"{prefix}.{f.key}", kind, raw, cell, out, f.key)
        if total and total[0] == "subtotal":
            label = total[1] if total[1] not in vocab()["subtotal_labels"] else group_name + total[1]
            subtotals.append((label, out, group_start, len(rows)))
            group_start, group_name = len(rows), ""
        elif is_total:
            totals = out
        else:
            rows.append(out)
    ex.data[spec.rows_key] = rows
    if totals is not None:
        ex.data["totals"] = totals
    check_subtotals(spec, ex, rows, subtotals)
    return ex


# --- indicator_sheet -------------------------------------------------------------------------

def put_parts(ex: Extraction, f: Field, raw: str, cell: Cell | None, prefix: str = "data",
              target: dict | None = None) -> None:
    """Several numbers in one cell (行政处罚 "罚款1次0.5万元", 行政罚款 "1.5万元（2次）"), each to its part."""
    for p, text in zip(f.parts, split_parts(f.parts, raw)):
        ex.put(f"{prefix}.{p.key}", p.kind, text, cell, target, p.key)


def split_parts(parts: list, raw: str) -> list[str]:
    """The text of each part in a cell of numbers: the number after the part's label (停产1家), else
    the number with the part's unit (2次, 1.5万元, 15000元), else the next number without a unit."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    tokens = [m for m in number_units().finditer(text)]
    if not tokens:          # 无 / — for every part; other words go to the first (and warn there)
        blank_or_zero = normalize("count", text).warning is None
        return [text if blank_or_zero or i == 0 else "" for i in range(len(parts))]
    used: set[int] = set()
    out = {}

    def take(p, ok) -> None:
        i = next((i for i, m in enumerate(tokens) if i not in used and ok(m)), None)
        if i is not None:
            used.add(i)
            out[id(p)] = tokens[i].group()

    for p in parts:                                 # labelled parts first: 其中危险作业罪案例1个
        at = text.find(p.label) if p.label else -1
        if at >= 0:
            take(p, lambda m: m.start() >= at + len(p.label))
    for p in parts:
        if id(p) not in out and p.unit:
            take(p, lambda m: _unit_fits(p, m.group("unit")))
    for p in parts:
        others = [q for q in parts if q is not p and q.unit]
        if id(p) not in out:
            take(p, lambda m: not any(_unit_fits(q, m.group("unit")) for q in others))
    return [out.get(id(p), "") for p in parts]


def _unit_fits(p, unit: str | None) -> bool:
    """A number's unit is the part's (万元 / 元 / 万 for an amount)."""
    if not unit:
        return False
    return unit in vocab()["money_units"] if p.kind == "money_wan" else unit == p.unit


@lru_cache(maxsize=1)
def number_units() -> re.Pattern:
    """A number with its unit, if any: 2次, 1.5万元, 15000元, 叁家, 0.5."""
    units = "|".join(map(re.escape, sorted(vocab()["money_units"] + vocab()["count_units"], key=len, reverse=True)))
    cn = "〇零一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟"
    return re.compile(rf"(?:(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?|[{cn}]+(?=\s*(?:{units})))\s*(?P<unit>{units})?")


def extract_indicator_sheet(spec: FormSpec, grids: list[Grid]) -> Extraction:
    """section | no | indicator | value, several indicators per row."""
    ex = Extraction()
    section = None
    done: set[str] = set()
    indicators = [f for s in spec.sections for f in s.indicators]
    for grid in grids:
        for row in grid:
            cells = distinct(row)
            for k, cell in enumerate(cells):
                text = cell.text.strip()
                if not text:
                    continue
                sec = next((s for s in spec.sections
                            if any(label_score(lb, text) >= STRONG for lb in s.labels + [s.name])), None)
                if sec is not None:
                    section = sec.name
                    continue
                best, best_k = None, (0.0,)
                for f, sc in zip(indicators, field_scores(indicators, text)):
                    if sc < MATCH:
                        continue
                    key = (round(sc, 2), f.key not in done, f.section == section)
                    if best is None or key > best_k:
                        best, best_k = f, key
                if best is None:
                    continue
                vcell = cells[k + 1] if k + 1 < len(cells) else None
                if vcell is not None and field_score(best, vcell.text) >= MATCH:
                    vcell = None
                if best.parts:
                    put_parts(ex, best, _cell_text(vcell), vcell)
                else:
                    ex.put(f"data.{best.key}", best.kind, _cell_text(vcell), vcell)
                done.add(best.key)
    return ex


def extract(spec: FormSpec, grids: list[Grid]) -> Extraction:
    """The data of one form instance (grids: its table and any continuation tables)."""
    if spec.shape == "label_grid":
        return extract_label_grid(spec, [row for g in grids for row in g])
    return {"item_marks": extract_item_marks, "row_list": extract_row_list,
            "header_matrix": extract_header_matrix,
            "indicator_sheet": extract_indicator_sheet}[spec.shape](spec, grids)


# --- what the extraction left ----------------------------------------------------------------

LOW_USE = 0.4            # a record using less of its table's filled cells than this is no record
LOW_USE_MIN_CELLS = 12   # smaller tables are not judged
LABEL_VALUES = 0.3       # …nor one whose values are mostly the form's own labels (检查日期 = "隐患类型")


@per_spec
def _spec_label_groups(spec: FormSpec) -> tuple[tuple[str, ...], ...]:
    """Every label group of the form, kept per loaded spec (the same tuple each time)."""
    groups = [tuple(f.labels) for f in spec.all_fields() + spec.parse_columns if f.labels]
    groups += [tuple([sec.name] + list(sec.labels)) for sec in spec.sections if sec.name]
    groups += [tuple(level) for f in spec.all_fields() for level in f.path]
    groups += [tuple(f.labels) for f in spec.header.values() if f.labels]
    groups.append(tuple([spec.title] + spec.title_patterns + spec.total_labels))
    return tuple(g for g in groups if g)


def label_like(spec: FormSpec, texts: list[str], cutoff: float = MATCH) -> list[bool]:
    """Whether each text is one of the form's labels (a field, a header level, a header line's label,
    its title or a 合计 word)."""
    if not texts:
        return []
    distinct_texts = tuple(dict.fromkeys(texts))
    flags = (group_scores(_spec_label_groups(spec), distinct_texts, cutoff).max(axis=0) >= cutoff).tolist()
    is_label = dict(zip(distinct_texts, flags))
    return [is_label[t] for t in texts]


HEADER_PAIR = re.compile(r"^[^:：]{1,12}[:：]")


def unused_cells(spec: FormSpec, grids: list[Grid], ex: Extraction) -> tuple[list[dict], list[Cell], int]:
    """(entries, cells, filled): every filled cell of the form's table(s) that the extraction neither
    read as a value nor took for one of the form's labels (a label-like text in a row of values is
    data: 重大隐患 in a 隐患等级 column), as {"row", "col", "text"} (with "table",
    the table's number, when there are several) and as the cell itself; and how many filled cells
    the tables have."""
    used = {id(c) for c in ex.cells.values()}
    cands: list[tuple[int, Cell]] = []
    filled = 0
    value_rows: set[tuple[int, int]] = set()        # rows holding a value read: their texts are data
    for t, grid in enumerate(grids):
        seen: set[int] = set()
        for row in grid:
            for c in row:
                if c is None or id(c) in seen:
                    continue
                seen.add(id(c))
                if id(c) in used:
                    value_rows.add((t, c.row))
                if not c.text.strip():
                    continue
                filled += 1
                text = unicodedata.normalize("NFKC", norm_label(c.text))
                if id(c) not in used and not UNITS_CELL.match(text) and not HEADER_PAIR.match(c.text.strip()):
                    cands.append((t, c))
    labels = label_like(spec, [c.text.strip() for _, c in cands])
    if spec.shape in ("label_grid", "indicator_sheet"):      # labels sit beside their values there
        value_rows = set()
        nums = {str(f.num) for sec in spec.sections for f in sec.indicators if f.num is not None}
        labels = [is_label or norm_label(c.text) in nums for (_, c), is_label in zip(cands, labels)]
    kept = [(t, c) for (t, c), is_label in zip(cands, labels) if not is_label or (t, c.row) in value_rows]
    out = [{**({"table": t + 1} if len(grids) > 1 else {}), "row": c.row, "col": c.col, "text": c.text}
           for t, c in kept]
    return out, [c for _, c in kept], filled


def low_recognition(spec: FormSpec, ex: Extraction, unused: list[dict], filled: int) -> str | None:
    """Why a record is too poor a guess to keep as its form (None when it is not): it used little of
    its table, or its values are the form's labels."""
    if filled >= LOW_USE_MIN_CELLS and 1 - len(unused) / filled < LOW_USE:
        return f"仅识别了表格中 {filled - len(unused)}/{filled} 个单元格"
    values = [c.text.strip() for c in {id(c): c for c in ex.cells.values()}.values() if c.text.strip()]
    n_labels = sum(label_like(spec, values, STRONG))
    if n_labels >= 2 and n_labels >= LABEL_VALUES * len(values):
        return f"{n_labels} 个取值是表头文字"
    return None
