"""Suggest the legal basis (《安全生产法》 article) for a problem text.

The rules live in generators/data/legal_basis.yaml and cite only what the table in
ZHILING.md backs. A problem no rule matches gets a visible blank "依据：____" for the
inspector to fill by hand; an inspector's own basis always wins over the suggestion.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).parent / "data" / "legal_basis.yaml"
# values of an override that mean "leave the 依据 blank"
BLANK_MARKS = {"", "无", "/", "／", "—", "-", "空", "手填"}


@dataclass(frozen=True)
class Rule:
    id: str
    topic: str
    duty: str | None
    penalty: str | None
    priority: int
    patterns: tuple[re.Pattern, ...]
    words: frozenset[str]
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


@lru_cache(maxsize=None)
def load_rules(path: str = str(RULES_FILE)) -> tuple[dict, tuple[Rule, ...]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    rules = []
    for r in data["rules"]:
        rules.append(Rule(
            id=r["id"], topic=r["topic"], duty=r.get("duty"), penalty=r.get("penalty"),
            priority=int(r.get("priority", 0)),
            patterns=tuple(re.compile(p) for p in r.get("patterns", [])),
            words=frozenset(r.get("words", [])),
            exclude=tuple(re.compile(p) for p in r.get("exclude", []))))
    return data, tuple(rules)


def _clean(text: str) -> str:
    return "".join((text or "").split())


@lru_cache(maxsize=1)
def _jieba():
    import jieba
    jieba.setLogLevel(60)
    return jieba


def _match_pos(rule: Rule, text: str, tokens: set[str] | None) -> int | None:
    """Position of the rule's first hit in `text`, or None when it does not apply."""
    if any(x.search(text) for x in rule.exclude):
        return None
    hits = [m.start() for p in rule.patterns if (m := p.search(text))]
    if rule.words and tokens is not None:
        hits += [text.find(w) for w in rule.words if w in tokens]
    return min(hits) if hits else None


def suggest(problem: str) -> Basis | None:
    """The best-backed basis for a problem text, or None when no table row backs it."""
    data, rules = load_rules()
    text = _clean(problem)
    if not text:
        return None
    tokens = set(_jieba().lcut(text)) if any(r.words for r in rules) else None
    best = None
    for rule in rules:
        pos = _match_pos(rule, text, tokens)
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
