"""Legal-basis suggestions: measured on labelled inspector texts; never an article the table does not back."""
import re

import yaml

from conftest import ROOT, SHARED
from generators import legal_basis

LABELLED = ROOT / "tests" / "data" / "problems_labelled.yaml"


def test_precision_and_recall_on_labelled_problems():
    cases = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    assert len(cases) >= 150
    nulls = sum(1 for c in cases if c["expected"] is None)
    assert nulls / len(cases) >= 0.15                     # texts no table row backs
    tp = fp = 0
    wrong = []
    for c in cases:
        got = legal_basis.suggest(c["text"])
        article = got.article if got else None
        if article and article == c["expected"]:
            tp += 1
        elif article:
            fp += 1
        if article != c["expected"]:
            wrong.append((c["text"], article, c["expected"]))
    positives = sum(1 for c in cases if c["expected"])
    precision, recall = tp / (tp + fp), tp / positives
    print(f"\nlegal basis: {len(cases)} problems, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.97, wrong
    assert recall >= 0.95, wrong


def test_every_article_in_the_rules_is_in_zhiling_table():
    """A rule may cite only what ZHILING.md's table gives (no invented articles)."""
    table = (SHARED / "ZHILING.md").read_text(encoding="utf-8")
    data, rules = legal_basis.load_rules()
    cited = set()
    for r in rules:
        for art in (r.duty, r.penalty):
            if art:
                cited.update(re.findall(r"第[一二三四五六七八九十百零]+条(?:第（[一二三四五六七]）(?:（[一二三四五六七]）)?项)?",
                                        art))
    table_text = table.replace(" ", "")
    missing = {a for a in cited if a not in table_text}
    assert cited and not missing, missing


def test_no_backing_leaves_a_visible_blank():
    text, source = legal_basis.resolve("电动自行车在楼道内停放充电")
    assert source == "blank" and text.startswith("依据：") and "____" in text
    assert "第" not in text


def test_suggestion_text_and_unverified_penalty_left_out():
    b = legal_basis.suggest("二楼安全出口上锁")
    assert b.text == "依据：《中华人民共和国安全生产法》第四十二条；罚则：第一百零五条"
    b = legal_basis.suggest("危险化学品未存储在专用仓库内")      # table penalty is "—"
    assert b.duty == "第三十九条" and b.penalty is None and "罚则" not in b.text


def test_inspector_override_wins():
    assert legal_basis.resolve("安全出口上锁", "《消防法》第二十八条") == ("依据：《消防法》第二十八条", "manual")
    text, source = legal_basis.resolve("安全出口上锁", "无")
    assert source == "blank" and "____" in text
