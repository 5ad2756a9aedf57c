"""OCR'd names corrected against what the office knows (issue 14 item 4).

    correct_known(record, spec, known, provenance)
      known: {"units": [...], "towns": [...], "villages": [...], "enterprises": [...]}: the roster's
      names and the ledger's (earlier returns' reporting units and units, enterprises and their towns).
      The name fields of a form are the paths its spec's ledger block takes the reporting unit, a stats
      row's unit, a hazard's reporting unit and the enterprise's name and town from (name_kind); a
      field keyed `town` or `village` is of that kind. Each one read by OCR (its provenance has a box on
      the page) that is not exactly a known name of its kind:
        - one known name clearly nearest (Indel ratio >= min, every other more than `margin` further),
          or the reading is one known name with a run of characters missing at one place (at least
          `part` of it, 3 characters or more): set to that name, warning ocr_corrected with the raw reading;
        - several known names near, or the one near differs in a character replaced that few known
          names have (in 晋城市城区恒泰燃气站 the 恒泰 part, not the 晋城市城区 all share: 金泰 may be
          another firm as well as a misreading): left as read, warning ocr_ambiguous naming them;
        - a name is never taken for one it differs from in more than `replaced` characters replaced (not
          dropped or added: 晋城市城区永兴建材有限公司 is another firm than 晋城市城区宏达建材有限公司, not a
          misreading of it), nor in a `distinct` character on both sides (第一/第二检查组, 东沟村/西沟村).
    Thresholds: _defaults.yaml ocr.known.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import Indel

KINDS = ("units", "towns", "villages", "enterprises")
AMBIGUOUS_SHOWN = 3              # candidates named in an ocr_ambiguous warning
PART_CHARS = 3                   # a reading shorter than this is never completed to a longer name


@dataclass(frozen=True)
class KnownSettings:
    min: float = 0.80
    margin: float = 0.10
    part: float = 0.5
    replaced: int = 1
    common: float = 0.05
    distinct: str = "一二三四五六七八九十〇零0123456789东西南北中上下前后"

    @classmethod
    def resolve(cls, obj: dict | None) -> "KnownSettings":
        """From _defaults.yaml ocr.known; an unknown key is an error, not ignored."""
        obj = obj or {}
        unknown = set(obj) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"_defaults.yaml ocr.known：未知的键 {'、'.join(sorted(unknown))}")
        types = {"distinct": str, "replaced": int}
        return cls(**{k: types.get(k, float)(v) for k, v in obj.items()})


@lru_cache(maxsize=1)
def settings() -> KnownSettings:
    from schema.spec import form_defaults
    return KnownSettings.resolve((form_defaults().get("ocr") or {}).get("known"))


def name_fields(spec) -> dict[str, str]:
    """{path pattern (rows as []): kind} of the name fields of a form, from its ledger block."""
    led = spec.ledger
    out: dict[str, str] = {}

    def add(paths: list[str], kind: str, rows: str | None = None) -> None:
        for p in paths:
            head, _, rest = p.partition(".")
            if head in ("header", "data") and rest:
                pattern = p
            elif head == "row" and rest and rows:
                pattern = f"{rows}[].{rest}"
            else:
                continue            # computed (unit) or the row itself
            leaf = pattern.rsplit(".", 1)[-1]
            out.setdefault(pattern, {"town": "towns", "village": "villages"}.get(leaf, kind))

    add(led.unit, "units")
    add(led.enterprise.get("name", []), "enterprises")
    add(led.enterprise.get("town", []), "towns")
    if led.stats:
        add(led.stats.unit, "units", led.stats.rows)
    for hz in led.hazards:
        add(hz.reporting_unit, "units", hz.rows)
        add(hz.enterprise.get("name", []), "enterprises", hz.rows)
        add(hz.enterprise.get("town", []), "towns", hz.rows)
    return out


def name_kind(spec, path: str) -> str | None:
    """The kind of known names a record path (data.rows[2].enterprise) is checked against, or None."""
    return name_fields(spec).get(re.sub(r"\[\d+\]", "[]", path))


def correct_known(record, spec, known: dict[str, list[str]], provenance: dict | None) -> None:
    """Correct (or flag) the OCR'd name fields of `record` against the `known` names of their kind."""
    fields = name_fields(spec)
    if not fields or not any(known.get(k) for k in set(fields.values())):
        return
    read_where = (provenance or {}).get("fields") or {}
    cfg = settings()
    index = {k: tuple(known.get(k) or ()) for k in set(fields.values())}
    for path, at, key in _name_leaves(record, fields):
        if read_where.get(path, {}).get("box") is None:
            continue                    # not read by OCR: typed text is never corrected
        raw = at[key]
        names = index[fields[re.sub(r"\[\d+\]", "[]", path)]]
        t = _norm(raw)
        if not t or t in _index(names)[2]:
            continue
        best, rivals = nearest_name(t, names, cfg)
        if best is not None:
            at[key] = best
            record.warn(path, "ocr_corrected", f"识别为“{raw}”，已按名册或台账中的名称更正为“{best}”，请核对",
                        raw=raw)
        elif rivals:
            record.warn(path, "ocr_ambiguous",
                        f"识别为“{raw}”，与名册或台账中的{'、'.join(f'“{x}”' for x in rivals)}都相近，未更正，请核对",
                        candidates=rivals)


def nearest_name(text: str, names: tuple[str, ...], cfg: KnownSettings) -> tuple[str | None, list[str]]:
    """(the known name `text` is a misreading of, []) when one is clearly meant; (None, the near ones)
    when several are; (None, []) when none is near."""
    names, norms, _ = _index(names)
    hits = process.extract(text, norms, scorer=Indel.normalized_similarity, limit=None,
                           score_cutoff=cfg.min - cfg.margin)
    scored = sorted(((s, i) for _, s, i in hits
                     if not _distinct(text, norms[i], cfg.distinct) and _replaced(text, norms[i]) <= cfg.replaced),
                    key=lambda x: -x[0])
    if scored and scored[0][0] >= cfg.min:
        rivals = [i for s, i in scored if s >= scored[0][0] - cfg.margin]
        if len(rivals) == 1 and not _rare_replaced(text, norms[rivals[0]], _counts(norms), cfg.common):
            return names[rivals[0]], []
        return None, [names[i] for i in rivals[:AMBIGUOUS_SHOWN]]
    if len(text) >= PART_CHARS:
        wider = [names[i] for i, n in enumerate(norms) if len(text) >= cfg.part * len(n) and _within(text, n)
                 and not _distinct(text, n, cfg.distinct)]
        return (wider[0], []) if len(wider) == 1 else (None, wider[:AMBIGUOUS_SHOWN])
    return None, []


def _name_leaves(record, fields: dict[str, str]):
    """(path, container, key) of every string value of the record at a name-field pattern."""
    for pattern in fields:
        parts = re.findall(r"[^.\[\]]+|\[\]", pattern)
        yield from _walk(record.header if parts[0] == "header" else record.data, parts[1:], parts[0])


def _walk(at, parts: list[str], path: str):
    if not parts:
        return
    p, rest = parts[0], parts[1:]
    if p == "[]":
        for i, v in enumerate(at if isinstance(at, list) else []):
            yield from _walk(v, rest, f"{path}[{i}]") if rest else ()
    elif isinstance(at, dict) and p in at:
        if rest:
            yield from _walk(at[p], rest, f"{path}.{p}")
        elif isinstance(at[p], str):
            yield f"{path}.{p}", at, p


@lru_cache(maxsize=64)
def _index(names: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...], frozenset[str]]:
    """The known names of one kind without repeats and blanks, their normal forms, and those as a set."""
    kept = tuple(dict.fromkeys(n.strip() for n in names if isinstance(n, str) and _norm(n)))
    norms = tuple(_norm(n) for n in kept)
    return kept, norms, frozenset(norms)


def _distinct(a: str, b: str, chars: str) -> bool:
    """a and b differ in a distinguishing character on both sides (三 for 一): different names."""
    only_a = set(a) - set(b)
    only_b = set(b) - set(a)
    return any(c in chars for c in only_a) and any(c in chars for c in only_b)


def _replaced(a: str, b: str) -> int:
    """How many characters of `b` are replaced in `a` (the rest of the difference dropped or added)."""
    common = (len(a) + len(b) - Indel.distance(a, b)) // 2
    return min(len(a) - common, len(b) - common)


def _rare_replaced(text: str, name: str, counts: dict[str, int], common: float) -> bool:
    """A character of `name` replaced (not only dropped) in `text` that fewer than `common` of the known
    names (and fewer than two) have: the part that tells this name from the others."""
    ops = Indel.editops(text, name)
    if not any(op.tag == "delete" for op in ops):
        return False                # only dropped characters: no other name written
    least = max(2.0, common * counts[""])
    return any(op.tag == "insert" and counts.get(name[op.dest_pos], 0) < least for op in ops)


@lru_cache(maxsize=64)
def _counts(norms: tuple[str, ...]) -> dict[str, int]:
    """In how many of the known names each character is ("" -> how many names)."""
    out: dict[str, int] = {"": len(norms)}
    for n in norms:
        for c in set(n):
            out[c] = out.get(c, 0) + 1
    return out


def _within(short: str, long: str) -> bool:
    """`short` is `long` with a run of characters missing at one place (a line of the cell not read:
    北石店镇 for 北石店镇人民政府); not at several (城区住建局 is how 城区住房和城乡建设局 is abbreviated)."""
    return len(short) < len(long) and any(long.startswith(short[:i]) and long.endswith(short[i:])
                                          for i in range(len(short) + 1))


def _norm(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
