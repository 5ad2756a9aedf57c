"""Value normalisation: what fillers write in a cell → the value SCHEMA.md stores.

`normalize(kind, raw)` is the only entry point; each kind has one function
below. A value that cannot be understood is kept as read, with a warning
(code, Chinese message); the caller turns it into a record warning.
Vocabulary (marks, yes/no words, count units) lives in schema/values.yaml.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

from schema.credit_code import is_valid as credit_code_is_valid
from schema.dates import date_parts, iso, range_iso
from schema.keys import word_key as _key
from schema.marks import leading_mark, split_items
from schema.numerals import parse_number

VALUES_FILE = Path(__file__).with_name("values.yaml")



@dataclass(frozen=True)
class Normalized:
    value: Any
    warning: tuple[str, str] | None = None


@lru_cache(maxsize=1)
def vocab() -> dict:
    """schema/values.yaml, with every word compared the way `_key` makes it."""
    data = yaml.safe_load(VALUES_FILE.read_text(encoding="utf-8"))
    norm = lambda words: frozenset(_key(w) for w in words)  # noqa: E731
    return {
        "blank": norm(data["blank"]),
        "zero": norm(data["zero"]),
        "count_units": tuple(sorted(data["count_units"], key=len, reverse=True)),
        "count_prefixes": tuple(data["count_prefixes"]),
        "money_units": tuple(data["money_units"]),
        "mark": {k: norm(v) for k, v in data["mark"].items()},
        "yes_no": {k: norm(v) for k, v in data["yes_no"].items()},
        "checked": "".join(data["checkbox"]["checked"]),
        "bullet": re.compile("(?:^|(?<=\n))[ \t]*(?:" + "|".join(map(re.escape, data["item_bullets"])) + ")[ \t]*"),
        "instruction_titles": tuple(data["instruction_titles"]),
        "ditto": norm(data["ditto"]),
        "signature_labels": tuple(sorted(data["signature_labels"], key=len, reverse=True)),
        "intro": re.compile("^[^:：;；\n]{0,12}(?:" + "|".join(map(re.escape, data["item_intro_ends"]))
                            + ")[ \t]*[:：]"),
        "unchecked": "".join(data["checkbox"]["unchecked"]),
        "answer": {k == "yes": norm(v) for k, v in data["answer_words"].items()},
        "negative_item": _negative_item_rx(data["negative_items"]),
        "conforming_headers": norm(data["conforming_headers"]),
        "subtotal_labels": tuple(data["subtotal_labels"]),
    }


def _negative_item_rx(spec: dict) -> re.Pattern:
    """A negative word not right after a negation (无堵塞, 禁止使用易燃, 不被占用)."""
    negations = [n for neg in spec["negations"] for n in (neg, neg + "被")]
    guard = "".join(f"(?<!{re.escape(n)})" for n in negations)
    return re.compile(guard + "(?:" + "|".join(map(re.escape, spec["words"])) + ")")


# --- shared text helpers ---------------------------------------------------------------

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# Full-width digits and Latin letters → ASCII; odd spaces → a plain space.
_NARROW = {**{0xFF10 + i: 0x30 + i for i in range(10)},
           **{0xFF21 + i: 0x41 + i for i in range(26)},
           **{0xFF41 + i: 0x61 + i for i in range(26)},
           0x3000: 0x20, 0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, **_ZERO_WIDTH}
CJK = r"\u2e80-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"   # ideographs + CJK punctuation
_CJK_SPACE = re.compile(rf"(?<=[{CJK}])[ \t]+(?=[{CJK}])")


def _as_text(raw: Any) -> str:
    """Any raw cell value as a string (numbers without a trailing .0)."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


@lru_cache(maxsize=1)
def _narrow_table() -> dict[int, Any]:
    """_NARROW plus values.yaml's symbol_glyphs (private-use symbol-font characters → glyphs)."""
    data = yaml.safe_load(VALUES_FILE.read_text(encoding="utf-8"))
    return {**_NARROW, **{int(str(k), 16): v for k, v in (data.get("symbol_glyphs") or {}).items()}}


def _narrow(s: str) -> str:
    return s.translate(_narrow_table())


def is_ditto(raw: Any) -> bool:
    """A cell that means "the same as the row above" (同上, 〃)."""
    return isinstance(raw, str) and _key(raw) in vocab()["ditto"]


def _is_blank(s: str) -> bool:
    return _key(s) in vocab()["blank"]


def _clean_line(line: str) -> str:
    line = re.sub(r"[ \t]+", " ", line).strip()
    return _CJK_SPACE.sub("", line)


# --- kinds -----------------------------------------------------------------------------

def _invalid(raw: Any, what: str) -> Normalized:
    shown = _as_text(raw).strip()
    return Normalized(shown, ("invalid", f"{what}无法识别：{shown}"))


def norm_date(raw: Any) -> Normalized:
    """A date → "YYYY-MM-DD" (or "YYYY-MM" when only the month is written, or a span is one whole month)."""
    span = range_iso(raw)
    if span:
        return Normalized(span)
    parts = date_parts(raw)
    if parts is None:
        return Normalized(None)
    text = None if parts == "invalid" else iso(parts)
    return Normalized(text) if text else _invalid(raw, "日期")


def norm_month(raw: Any) -> Normalized:
    """A month → "YYYY-MM" (a full date is cut to its month)."""
    r = norm_date(raw)
    if r.warning or r.value is None:
        return r if not r.warning else _invalid(raw, "月份")
    return Normalized(r.value[:7])


def _strip_affixes(s: str, prefixes, suffixes) -> str:
    for p in prefixes:
        if s.startswith(p) and len(s) > len(p):
            s = s[len(p):]
            break
    for u in suffixes:
        if s.endswith(u) and len(s) > len(u):
            s = s[: -len(u)]
            break
    return s


def norm_count(raw: Any) -> Normalized:
    """A count → int; 无 — / → 0; blank → None."""
    if raw is None:
        return Normalized(None)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if float(raw).is_integer() and raw >= 0:
            return Normalized(int(raw))
        return _invalid(raw, "数量")
    s = _key(_narrow(str(raw)))
    v = vocab()
    if _is_blank(s):
        return Normalized(None)
    if s in v["zero"]:
        return Normalized(0)
    s = re.sub(r"[（(]([^()（）]{1,2})[)）]$", r"\1", s)   # 5（家）: a unit in brackets
    s = _strip_affixes(s, v["count_prefixes"], v["count_units"])
    n = parse_number(s)
    if n is None or not n.is_integer() or n < 0:
        return _invalid(raw, "数量")
    return Normalized(int(n))


_YUAN_HINT = re.compile(r"[元万萬亿億千仟百佰]")


def norm_money_wan(raw: Any) -> Normalized:
    """An amount → float in 万元; a plain number is taken as 万元, '元' or Chinese units as 元."""
    if raw is None:
        return Normalized(None)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Normalized(round(float(raw), 6))
    s = _key(_narrow(str(raw)))
    if _is_blank(s):
        return Normalized(None)
    if s in vocab()["zero"]:
        return Normalized(0.0)
    s = re.sub(r"^(?:人民币|RMB|[¥￥])", "", s)
    s = re.sub(r"[（(](万元|万|元)[)）]$", r"\1", s)
    in_yuan = bool(_YUAN_HINT.search(s))
    n = parse_number(s[:-1] if s.endswith("元") else s)
    if n is None:
        return _invalid(raw, "金额")
    return Normalized(round(n / 10000 if in_yuan else n, 6))


def _ticked_option(s: str) -> str | None:
    """In a '☑是 □否' / '是☑ 否□' cell: the ticked option's word; "" when none is ticked,
    None when the cell is not a set of options."""
    v = vocab()
    boxes = v["checked"] + v["unchecked"]
    box_only = re.sub(r"[√✓✔✅]", "", boxes)
    if not re.search(f"[{re.escape(box_only)}]", s) or not re.search(f"[^{re.escape(boxes)}\\s]", s):
        return None
    tokens = re.findall(f"[{re.escape(boxes)}]|[^{re.escape(boxes)}\\s]+", s)
    glyph_first = tokens[0] in boxes
    ticked = []
    for i, tok in enumerate(tokens):
        if tok in boxes:
            continue
        j = i - 1 if glyph_first else i + 1
        if 0 <= j < len(tokens) and tokens[j] in v["checked"]:
            ticked.append(tok)
    if len(ticked) > 1:
        return None
    return ticked[0] if ticked else ""


def _lookup(raw: Any, table: dict[Any, frozenset], what: str) -> Normalized:
    """Map a cell to one of `table`'s keys (the value stored); unknown → warning."""
    if raw is None:
        return Normalized(None)
    if isinstance(raw, (int, float)):   # 1.0 → "1"; an Excel TRUE / FALSE cell → 是 / 否
        raw = _as_text(raw)
    s = _key(_narrow(str(raw)))
    if _is_blank(s) or all(c in vocab()["unchecked"] for c in s):
        return Normalized(None)
    option = _ticked_option(s)
    if option == "":
        return Normalized(None)
    for candidate in (option, s, re.sub(r"[（(].*?[)）]", "", s)):
        if not candidate:
            continue
        for value, words in table.items():
            if candidate in words:
                return Normalized(value)
    return _invalid(raw, what)


def norm_mark(raw: Any) -> Normalized:
    """√/×/○ style marks → "yes" / "no" / "rectifying" / None."""
    marks = vocab()["mark"]
    return _lookup(raw, {"yes": marks["yes"], "no": marks["no"],
                         "rectifying": marks["rectifying"], None: marks["none"]}, "标记")


def norm_yes_no(raw: Any) -> Normalized:
    """是/有/√ → True, 否/无/× → False."""
    yn = vocab()["yes_no"]
    return _lookup(raw, {True: yn["true"], False: yn["false"]}, "是否")


NEGATED_QUESTION = ("未", "不", "无", "没有")     # right after 是否: the question asks whether a fault is there


def asked_negatively(item: str) -> bool:
    """A checklist item whose yes is a problem: 是否存在埋压、圈占消防栓现象, 安全出口是否锁闭
    (not 疏散通道是否畅通、无堵塞, 是否禁止使用易燃液体); the question is read from its 是否 on."""
    text = unicodedata.normalize("NFKC", item or "")
    at = text.find("是否")
    neg = next((n for n in NEGATED_QUESTION if text[at + 2:].lstrip().startswith(n)), None) if at >= 0 else None
    if neg and not vocab()["negative_item"].match(re.sub(r"^被", "", text[at + 2:].lstrip()[len(neg):])):
        return True             # 是否未经审批…, 是否不按规定…: 是 says the fault is there (not 是否不被占用)
    return bool(vocab()["negative_item"].search(text[at:] if at >= 0 else text))


def conforming_header(header: str) -> bool:
    """A result column headed 是否符合: its 是 means 符合, whatever the item asks."""
    return _key(header or "") in vocab()["conforming_headers"]


def answer_mark(raw: Any, negative: bool) -> Normalized | None:
    """A 是 / 否 (有 / 没有, ☑是☐否) answer to a checklist item as a mark: "yes" when it means 符合,
    so 是 to an item asked negatively is "no"; None when the cell is not such an answer (√ / ×)."""
    if not isinstance(raw, str):
        return None
    s = _key(_narrow(raw))
    option = _ticked_option(s)
    word = option if option else s
    for truth, words in vocab()["answer"].items():
        if word in words:
            return Normalized("yes" if truth != negative else "no")
    return None


_PHONE_IN_TEXT = re.compile(r"(?:(?:\+|00)?86[\s-]*)?1[3-9]\d[\s-]*\d{4}[\s-]*\d{4}(?!\d)"
                            r"|(?<!\d)0\d{2,3}[\s\-]*\d{7,8}(?!\d)")


def _one_phone(s: str) -> str | None:
    """One written phone number → canonical form, or None."""
    d = re.sub(r"[\s\-()（）.]", "", s)
    d = re.sub(r"^(?:\+86|0086)", "", d)
    if re.fullmatch(r"861[3-9]\d{9}", d):
        d = d[2:]
    if re.fullmatch(r"1[3-9]\d{9}", d):
        return d
    if re.fullmatch(r"0\d{9,11}", d):
        area = 3 if d[1] in "12" else 4            # 010, 02x are 3 digits; the rest 4
        if 7 <= len(d) - area <= 8:
            return f"{d[:area]}-{d[area:]}"
    if re.fullmatch(r"[2-9]\d{6,7}|[48]00\d{7}", d):  # local number; 400/800 service lines
        return d
    return None


def norm_phone(raw: Any) -> Normalized:
    """Phone numbers: landline '0356-2286336', mobile '13513583104'; several joined by '、'."""
    if raw is None:
        return Normalized(None)
    s = unicodedata.normalize("NFKC", _narrow(_as_text(raw))).strip()
    s = re.sub(r"[—－–]", "-", s)
    if _is_blank(s):
        return Normalized(None)
    if s in vocab()["zero"]:
        return Normalized(None)
    one = _one_phone(s)
    if one:
        return Normalized(one)
    found = []
    for part in re.split(r"[/、,，;；\n]+", s):
        part = part.strip()
        if not part:
            continue
        one = _one_phone(part)
        if one:
            found.append(one)
            continue
        matches = _PHONE_IN_TEXT.findall(part)
        rest = _PHONE_IN_TEXT.sub("", part)
        if not matches or re.search(r"\d", rest):
            return _invalid(raw, "电话号码")
        found += [_one_phone(m) for m in matches]
    if not found or None in found:
        return _invalid(raw, "电话号码")
    return Normalized("、".join(found))


def norm_credit_code(raw: Any) -> Normalized:
    """统一社会信用代码: upper-case, no spaces; warning when not 18 characters or bad check char."""
    if raw is None:
        return Normalized(None)
    s = _key(_narrow(_as_text(raw)))
    if _is_blank(s) or s in vocab()["zero"]:
        return Normalized(None)
    if len(s) != 18:
        return Normalized(s, ("invalid", f"统一社会信用代码应为18位：{s}（{len(s)}位）"))
    if not credit_code_is_valid(s):
        return Normalized(s, ("checksum", "统一社会信用代码校验位不符"))
    return Normalized(s)


def norm_text(raw: Any) -> Normalized:
    """Free text: ASCII digits/letters, Chinese punctuation kept, stray spaces and
    line breaks removed except between list items; blank → None."""
    s = _narrow(_as_text(raw))
    lines = [_clean_line(x) for x in re.split(r"\r\n|\r|\n|\u2028|\u2029|\x0b", s)]
    lines = [x for x in lines if x]
    if not lines:
        return Normalized(None)
    out = lines[0]
    for line in lines[1:]:
        if leading_mark(line) or out[-1] in "；;" or vocab()["bullet"].match(line):
            out += "\n"
        elif not (re.match(f"[{CJK}]", out[-1]) or re.match(f"[{CJK}]", line[0])):
            out += " "
        out += line
    return Normalized(out)


def _name(raw: Any) -> str | None:
    v = norm_text(raw).value
    return v.replace("\n", "") if v else None


def norm_person(raw: Any) -> Normalized:
    """'张三 13512345678', (name, mobile) or {name, mobile} → {"name", "mobile"}."""
    if isinstance(raw, dict):
        raw = (raw.get("name"), raw.get("mobile"))
    if isinstance(raw, (tuple, list)):
        name_raw, mobile_raw = (list(raw) + [None, None])[:2]
        if norm_text(mobile_raw).value is None:   # both in the name cell
            return norm_person(name_raw)
        mobile = norm_phone(mobile_raw)
        name = _name(name_raw)
        if name is None and mobile.value is None:
            return Normalized(None)
        return Normalized({"name": name, "mobile": mobile.value}, mobile.warning)
    s = norm_text(raw).value
    if s is None:
        return Normalized(None)
    # the phone number; failing that, a run of digits that is kept with a warning
    m = _PHONE_IN_TEXT.search(s) or re.search(r"\+?\d[\d\s-]{3,}\d", s)
    mobile = norm_phone(m.group()) if m else Normalized(None)
    rest = s[:m.start()] + s[m.end():] if m else s
    rest = re.sub(r"手机号码|手机号|手机|电话|联系方式|[:：()（）/,，、\s]", " ", rest)
    name = re.sub(r"\s+", " ", rest).strip() or None
    if name and re.fullmatch(rf"[{CJK} ]+", name):
        name = name.replace(" ", "")
    return Normalized({"name": name, "mobile": mobile.value}, mobile.warning)


_NAME_SEP = re.compile(r"[、，,；;/／\n]+")


def norm_names(raw: Any) -> Normalized:
    """'张三、李四,王五 赵六' → ['张三', '李四', '王五', '赵六']; 无 → []."""
    if isinstance(raw, (list, tuple)):
        names = [n for x in raw for n in (norm_names(x).value or [])]
        return Normalized(names or None)
    s = _narrow(_as_text(raw)).strip()
    if _is_blank(s):
        return Normalized(None)
    if _key(s) in vocab()["zero"]:
        return Normalized([])
    names = []
    for chunk in _NAME_SEP.split(s):
        tokens = chunk.split()
        if tokens and all(len(t) == 1 for t in tokens):   # a spaced-out name: 赵  强
            tokens = ["".join(tokens)]
        names += tokens
    if names and len(names[-1]) > 2:                 # 张三、李四等 / 李四等3人
        names[-1] = re.sub(r"等(\d+人)?$", "", names[-1])
    return Normalized([n for n in names if n] or None)


def norm_items(raw: Any) -> Normalized:
    """A numbered or ；-separated list → its items without their numbers; 无 → []."""
    if isinstance(raw, (list, tuple)):
        items = [i for x in raw for i in (norm_items(x).value or [])]
        return Normalized(items or None)
    s = norm_text(raw).value
    if s is None:
        return Normalized(None)
    if _key(s) in vocab()["zero"]:
        return Normalized([])
    # numbered items; a bullet at the start of a line starts an item too
    cuts = split_items(s)
    bullets = [m for m in vocab()["bullet"].finditer(s) if m.group().strip()]
    cuts = sorted(cuts + [b for b in bullets if not any(c.start() <= b.start() < c.end() for c in cuts)],
                  key=lambda m: m.start())
    if len(cuts) >= 2 or (cuts and cuts[0].start() == 0):
        lead = s[:cuts[0].start()]
        pieces = [lead if not re.search(r"[:：]\s*$", lead) else ""] + [
            s[m.end(): cuts[i + 1].start() if i + 1 < len(cuts) else len(s)]
            for i, m in enumerate(cuts)]
    else:
        pieces = re.split(r"[；;\n]+", s)
        if len(pieces) >= 2:                       # 经检查发现：甲；乙 — the introduction is not an item
            pieces[0] = vocab()["intro"].sub("", pieces[0])
    items = [re.sub(r"^[\s：:]+|[\s；;，,。、]+$", "", p) for p in pieces]
    items = [i.replace("\n", "") for i in items if i]
    return Normalized(items or None)


NORMALIZERS: dict[str, Callable[[Any], Normalized]] = {
    "date": norm_date,
    "month": norm_month,
    "count": norm_count,
    "money_wan": norm_money_wan,
    "mark": norm_mark,
    "yes_no": norm_yes_no,
    "phone": norm_phone,
    "credit_code": norm_credit_code,
    "text": norm_text,
    "person": norm_person,
    "names": norm_names,
    "items": norm_items,
}


def normalize(kind: str, raw: Any) -> Normalized:
    """Normalise one raw cell value of the given kind (see SCHEMA.md, 'Value normalization')."""
    try:
        fn = NORMALIZERS[kind]
    except KeyError:
        raise ValueError(f"unknown value kind {kind!r}; known: {', '.join(NORMALIZERS)}") from None
    if type(raw) is str or type(raw) is tuple and all(type(x) is str for x in raw):
        n = _normalized_text(kind, raw)     # the same words recur return after return: kept (a fresh copy
                                            # of a list or dict); a person's (name, mobile) alike
        return n if type(n.value) not in (list, dict) else Normalized(_fresh(n.value), n.warning)
    return fn(raw)


@lru_cache(maxsize=65536)
def _normalized_text(kind: str, raw: str | tuple[str, ...]) -> Normalized:
    return NORMALIZERS[kind](raw)


def _fresh(value: Any) -> Any:
    """A copy of nested lists and dicts (the caller may change the value it gets)."""
    if type(value) is list:
        return [_fresh(v) for v in value]
    if type(value) is dict:
        return {k: _fresh(v) for k, v in value.items()}
    return value
