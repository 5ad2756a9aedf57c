"""Suggest the legal basis (《安全生产法》 article) for a problem text.

The rules live in generators/data/legal_basis.yaml and cite only what the table in
ZHILING.md backs; the YAML header explains how a text is matched (normalisation, clauses,
patterns, objects with negation/defect cues, priority). A problem no rule matches gets a
visible blank "依据：____" for the inspector to fill by hand; an inspector's own basis always
wins over the suggestion.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).parent / "data" / "legal_basis.yaml"
# values of an override that mean "leave the 依据 blank"
BLANK_MARKS = {"", "无", "/", "／", "—", "-", "空", "手填"}
CLAUSE_END = re.compile(r"[，,；;。！!？?\n]")
QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")
SHORT = 2          # objects this long or shorter must end a jieba token


@dataclass(frozen=True)
class Rule:
    id: str
    topic: str
    duty: str | None
    penalty: str | None
    priority: int
    patterns: tuple[re.Pattern, ...]
    objects: tuple[str, ...]
    defects: re.Pattern | None
    exclude: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class Basis:
    rule: str
    topic: str
    duty: str | None
    penalty: str | None
    text: str

    @property
    def article(self) -> str:
        """The article a problem is judged by: the duty article, or the penalty one when the table gives no duty."""
        return self.duty or (self.penalty or "").split("、")[0]


@dataclass(frozen=True)
class Cues:
    window: int
    negation: re.Pattern
    defect: re.Pattern
    compliant: re.Pattern
    problem: re.Pattern
    tamper: re.Pattern           # a safety device switched off, bypassed, covered, its data altered (after it)
    cleared: re.Pattern          # a clause saying the problem was NOT found (未发现…)
    contrast: re.Pattern         # a clause turning a compliant statement into a problem (…已…，但…)


@lru_cache(maxsize=None)
def load_rules(path: str = str(RULES_FILE)) -> tuple[dict, tuple[Rule, ...]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rules = []
    for r in data["rules"]:
        rules.append(Rule(
            id=r["id"], topic=r["topic"], duty=r.get("duty"), penalty=r.get("penalty"),
            priority=int(r.get("priority", 0)),
            patterns=tuple(re.compile(p) for p in r.get("patterns", [])),
            objects=tuple(r.get("objects", [])),
            defects=re.compile(r["defects"]) if r.get("defects") else None,
            exclude=tuple(re.compile(p) for p in r.get("exclude", []))))
    return data, tuple(rules)


@lru_cache(maxsize=None)
def _cues(path: str = str(RULES_FILE)) -> Cues:
    c = load_rules(path)[0]["cues"]
    return Cues(int(c["window"]), *(re.compile(c[k]) for k in ("negation", "defect", "compliant", "problem", "tamper",
                                                                "cleared", "contrast")))


def _clean(text: str) -> str:
    return "".join((text or "").split())


def normalise(text: str) -> str:
    """The problem text as the rules see it: NFKC, no spaces or quotes, typos and abbreviations rewritten
    (the `normalise` table, then one-character typos of the `vocabulary`, fix_typos)."""
    text = unicodedata.normalize("NFKC", _clean(text)).translate(QUOTES)
    table = (load_rules()[0].get("normalise") or {}).items()
    for wrong, right in table:
        text = text.replace(wrong, right)
    fixed = fix_typos(text)
    if fixed != text:                                 # a corrected word may be one the table rewrites
        for wrong, right in table:
            fixed = fixed.replace(wrong, right)
    return fixed


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset, dict, re.Pattern | None]:
    """The words typos are corrected to (the `vocabulary`, and the rules' objects of three or more
    characters), an index from a word with one character masked ("漏电保?器") to the words it comes from,
    and a pattern finding the words spelt right."""
    data, rules = load_rules()
    words = set(data.get("vocabulary") or []) | {o for r in rules for o in r.objects if len(o) >= 3}
    masked: dict[str, set] = {}
    for w in words:
        for j in range(1 if len(w) == 2 else 0, len(w)):      # a 2-character word: only its second character
            masked.setdefault(w[:j] + "?" + w[j + 1:], set()).add(w)
    spelt = re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))) if words else None
    return frozenset(words), masked, spelt


def _is_word(text: str) -> bool:
    return _jieba().dt.FREQ.get(text, 0) > 0


@lru_cache(maxsize=8192)
def _sound(ch: str) -> str:
    """The character's usual reading without tone, with the sounds people mix up merged (zh/z, ch/c, sh/s,
    n/l, -ng/-n)."""
    try:
        from pypinyin import lazy_pinyin
    except ImportError:                      # without it only look-alikes are corrected
        return ch
    py = re.sub(r"^([zcs])h", r"\1", lazy_pinyin(ch)[0])
    py = "n" + py[1:] if py.startswith("l") else py
    return re.sub(r"ng$", "n", py)


def similar(typed: str, meant: str) -> bool:
    """Whether a typed character is a plausible slip for the one meant: the same sound (冒/帽, 式/示, 冈/岗), or
    a look-alike in the same radical block of Unicode (甩/用, 扩/护, 肓/育)."""
    return _sound(typed) == _sound(meant) or 0 < abs(ord(typed) - ord(meant)) <= 64


def fix_typos(text: str) -> str:
    """One-character typos (homophones, look-alikes: 露电保护器, 应急预按, 无证上刚) rewritten to the vocabulary
    word at edit distance 1 (one character replaced by a similar one). A window of the text is left alone
    when it is itself a word (of the vocabulary or jieba's dictionary: 安全门 is no typo of 安全帽), when the
    character differing belongs to a dictionary word running on outside it (检测探头 holds no 检测仪), when
    two vocabulary words are equally near, or when it overlaps a vocabulary word already spelt right;
    longer words first."""
    words, masked, spelt = _vocabulary()
    if not text or not masked:
        return text
    candidates = []                                   # (start, length, word): cheap index look-ups first
    for length in sorted({len(k) for k in masked}, reverse=True):
        for i in range(len(text) - length + 1):
            window = text[i:i + length]
            found = set()
            for j in range(1 if length == 2 else 0, length):
                hit = masked.get(window[:j] + "?" + window[j + 1:])
                if hit and "\u4e00" <= window[j] <= "\u9fff":
                    found |= {(w, j) for w in hit if w != window and similar(window[j], w[j])}
            if found:
                candidates.append((i, length, window, found))
    if not candidates:
        return text
    fixed = [False] * len(text)
    for m in spelt.finditer(text):                    # words spelt right stay as they are
        fixed[m.start():m.end()] = [True] * (m.end() - m.start())
    tokens = [(a, b) for tok, a, b in _jieba().tokenize(text) if b - a >= 2 and _is_word(tok)]
    chars = list(text)
    for i, length, window, found in candidates:
        end = i + length
        if any(fixed[i:end]) or window in words or _is_word(window):
            continue
        # the character differing must not belong to a word running on outside the window
        found = {w for w, j in found if not any(a <= i + j < b and (a < i or b > end) for a, b in tokens)}
        if len(found) == 1:
            chars[i:end] = list(next(iter(found)))
            fixed[i:end] = [True] * length
    return "".join(chars)


@lru_cache(maxsize=1)
def _jieba():
    import jieba
    jieba.setLogLevel(60)
    for rule in load_rules()[1]:
        for word in rule.objects:
            jieba.add_word(word)
    return jieba


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of the text; a clause opening with a contrast (但、却 …: "已配发安全帽，
    但工人未佩戴") is one clause with the clause before it, so what the first half names the second judges."""
    spans, start = [], 0
    for m in CLAUSE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    spans = [(a, b) for a, b in spans if b > a]
    contrast = _cues().contrast
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and contrast.match(text, a):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _object_positions(rule: Rule, clause: str, tokens: list[tuple[str, int, int]]):
    """(position, length) of every object of the rule in a clause."""
    for obj in rule.objects:
        if len(obj) <= SHORT:
            yield from ((end - len(obj), len(obj)) for tok, _, end in tokens if tok.endswith(obj))
        else:
            pos = clause.find(obj)
            while pos >= 0:
                yield pos, len(obj)
                pos = clause.find(obj, pos + 1)


def _has_cue(rule: Rule, clause: str, pos: int, length: int, cues: Cues) -> bool:
    """A negation shortly before the object, a defect or tampering word right after it, or a contrast
    after it that states a problem (漏电保护器已安装，但试跳不动作)."""
    if cues.negation.search(clause[max(0, pos - cues.window):pos]):
        return True
    after = clause[pos + length:]
    if cues.defect.search(after) or cues.tamper.search(after) or (rule.defects and rule.defects.search(after)):
        return True
    turn = re.search(r"[，,；;]", after)
    return bool(turn and cues.contrast.match(after, turn.end()) and cues.problem.search(after, turn.end()))


def _rule_hit(rule: Rule, text: str, clauses: list[tuple[int, int]], tokens: list[list]) -> int | None:
    """Position of the rule's first hit in the text, or None when it does not apply."""
    cues = _cues()
    hits = []
    for (a, b), toks in zip(clauses, tokens):
        clause = text[a:b]
        if any(x.search(clause) for x in rule.exclude):
            continue
        if cues.compliant.search(clause) and not cues.problem.search(clause):
            continue                                  # states the duty is met
        if cues.cleared.search(clause):
            continue                                  # says the problem was not found
        for p in rule.patterns:
            m = p.search(text, a)
            if m and m.start() < b:
                hits.append(m.start())
        for pos, length in _object_positions(rule, clause, toks):
            if _has_cue(rule, clause, pos, length, cues):
                hits.append(a + pos)
    return min(hits) if hits else None


def suggest(problem: str) -> Basis | None:
    """The best-backed basis for a problem text, or None when no table row backs it."""
    data, rules = load_rules()
    text = normalise(problem)
    if not text:
        return None
    cues = _cues()
    if cues.compliant.search(text) and not cues.problem.search(text):
        return None                                   # the whole text says all is well
    clauses = _clauses(text)
    jieba = _jieba()
    tokens = [list(jieba.tokenize(text[a:b])) for a, b in clauses]
    best = None
    for rule in rules:
        pos = _rule_hit(rule, text, clauses, tokens)
        if pos is None:
            continue
        key = (-rule.priority, pos)
        if best is None or key < best[0]:
            best = (key, rule)
    if best is None:
        return None
    rule = best[1]
    return Basis(rule.id, rule.topic, rule.duty, rule.penalty, format_basis(rule.duty, rule.penalty))


def format_basis(duty: str | None, penalty: str | None) -> str:
    data, _ = load_rules()
    fmt, law = data["format"], data["law"]
    if duty and penalty:
        return fmt["duty_and_penalty"].format(law=law, duty=duty, penalty=penalty)
    return fmt["duty_only"].format(law=law, duty=duty or penalty)


def blank_basis() -> str:
    return load_rules()[0]["format"]["blank"]


def resolve(problem: str, override: str | None = None, auto: bool = True) -> tuple[str, str]:
    """(printed 依据 text, source) for one problem.

    override None → suggestion (source "auto", or "blank" when nothing backs it);
    an override in BLANK_MARKS → blank line ("blank"); any other text → printed as given ("manual").
    """
    if override is not None:
        override = override.strip()
        if override in BLANK_MARKS:
            return blank_basis(), "blank"
        return (override if override.startswith("依据") else "依据：" + override), "manual"
    basis = suggest(problem) if auto else None
    if basis is None:
        return blank_basis(), "blank"
    return basis.text, "auto"
