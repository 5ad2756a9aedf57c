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
    return Cues(int(c["window"]), *(re.compile(c[k]) for k in ("negation", "defect", "compliant", "problem")))


def _clean(text: str) -> str:
    return "".join((text or "").split())


def normalise(text: str) -> str:
    """The problem text as the rules see it: NFKC, no spaces or quotes, typos and abbreviations rewritten."""
    text = unicodedata.normalize("NFKC", _clean(text)).translate(QUOTES)
    for wrong, right in (load_rules()[0].get("normalise") or {}).items():
        text = text.replace(wrong, right)
    return text


@lru_cache(maxsize=1)
def _jieba():
    import jieba
    jieba.setLogLevel(60)
    for rule in load_rules()[1]:
        for word in rule.objects:
            jieba.add_word(word)
    return jieba


def _clauses(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of the text."""
    spans, start = [], 0
    for m in CLAUSE_END.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if b > a]


def _object_positions(rule: Rule, clause: str, tokens: list[tuple[str, int, int]]):
    """(position, length) of every object of the rule in a clause."""
    for obj in rule.objects:
        if len(obj) <= SHORT:
            yield from ((end - len(obj), len(obj)) for tok, _, end in tokens if tok.endswith(obj))
        else:
            yield from ((m.start(), len(obj)) for m in re.finditer(re.escape(obj), clause))


def _has_cue(rule: Rule, clause: str, pos: int, length: int, cues: Cues) -> bool:
    """A negation shortly before the object, or a defect word right after it."""
    if cues.negation.search(clause[max(0, pos - cues.window):pos]):
        return True
    after = clause[pos + length:]
    return bool(cues.defect.search(after) or (rule.defects and rule.defects.search(after)))


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
