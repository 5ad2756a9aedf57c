"""Legal-basis suggestions: measured on labelled inspector texts; never an article the table does not back.

Two sets of problem texts:
- tests/data/problems_labelled.yaml (226): the rules' own examples (the rules were written on them).
- tests/data/problems_heldout.yaml (355, never copied into the rules), written in three batches, each
  committed before the classifier was run on it:
  batch 1 (182, 39 null): written before any rule change;
  batch 2 (90, 20 null): written after the rules were changed with batch 1's failures in view;
  batch 3 (83, 21 null): written after the batch-2 changes.
  Each batch's first look was blind; each was then looked at and the rules widened (general
  vocabulary, no held-out text copied). The blind numbers are the honest estimate of recall on
  new texts; the final numbers only show that nothing regressed.

Held-out batch, measured  precision  recall  (positives)
"before" baseline: the rules as they were (commit b0ebfc9, regex only, whole text)
  batch 1                  0.949      0.657   (143)   misses: 第三十六条 7, 第四十二条 7, 第四十五条 6,
                                                      第四十一条 4, 第三十条 3, 第四十三条 3, 第四十八条 3,
                                                      others 1-2; wrong: 第三十五/四十二条 → 第三十九条;
                                                      null → 第三十五条 1, → 第四十二条 2
  batch 2                  0.882      0.429   (70)
  batch 3                  0.900      0.581   (62)
blind first looks with the new matcher (normalisation, clauses, objects with negation/defect cues):
  batch 2 (rules tuned on batch 1)               0.939      0.657
  batch 3 (rules tuned on batches 1 and 2)       0.957      0.710
final (all batches looked at): labelled 1.000/1.000, batch 1 1.000/0.993, batch 2 1.000/1.000,
  batch 3 1.000/0.952. Expect about 0.7 recall on texts worded unlike any of these.

Issue 15 (typos by edit distance with a sound/shape check, contrasts "已…，但…", "未发现…", equipment and
sensor defects, tampered devices, 临界量): tests/data/legal_basis_h4/heldout.yaml (159, by category) was
written and committed first and measured blind; the rules were then widened on tuning.yaml (163, written
apart) only; heldout.yaml was measured once more at the end, never tuned on.
  batch 4 held-out     first look (P / R)    final (P / R)      positives
  typo                 0.889 / 0.286         1.000 / 0.893      28
  contrast             0.917 / 0.500         0.952 / 0.909      22
  equipment            1.000 / 0.667         1.000 / 0.750      24
  tampered             1.000 / 0.238         1.000 / 0.952      21
  major_hazard         1.000 / 1.000         1.000 / 1.000      16
  ordinary             1.000 / 0.950         1.000 / 0.950      20
  all                  0.974 / 0.573         0.992 / 0.901      131
  tuning set           0.897 / 0.511         1.000 / 0.942      137
The one wrong article left on batch 4: "警示标志齐全，但操作人员未戴护目镜" gets 第三十五条 (the contrast
joins both halves and the signs rule outranks protective equipment).
"""
import re
from collections import Counter

import pytest
import yaml

from conftest import ROOT, SHARED
from generators import legal_basis

LABELLED = ROOT / "tests" / "data" / "problems_labelled.yaml"
HELDOUT = ROOT / "tests" / "data" / "problems_heldout.yaml"
BATCH4 = ROOT / "tests" / "data" / "legal_basis_h4" / "heldout.yaml"
TUNING4 = ROOT / "tests" / "data" / "legal_basis_h4" / "tuning.yaml"
# batch 4 by category (final numbers above): a regression below either fails
LEVELS4 = {"typo": (1.0, 0.893), "contrast": (0.95, 0.909), "equipment": (1.0, 0.75), "tampered": (1.0, 0.952),
           "major_hazard": (1.0, 1.0), "ordinary": (1.0, 0.95)}
RULES = ROOT / "generators" / "data" / "legal_basis.yaml"

# (set, batch) → (precision, recall) measured; a regression below either fails
LEVELS = {
    ("labelled", None): (1.0, 1.0),
    ("heldout", 1): (1.0, 0.993),
    ("heldout", 2): (1.0, 1.0),
    ("heldout", 3): (1.0, 0.952),
}


def _cases(name: str, batch: int | None) -> list[dict]:
    cases = yaml.safe_load((LABELLED if name == "labelled" else HELDOUT).read_text(encoding="utf-8"))
    return [c for c in cases if batch is None or c.get("batch", 1) == batch]


def _expected(case: dict) -> list[str]:
    exp = case["expected"]
    return exp if isinstance(exp, list) else ([exp] if exp else [])


def score(cases: list[dict]) -> tuple[float, float, list]:
    """(precision, recall, wrong answers); a text stating two hazards is right with either article."""
    tp = fp = 0
    wrong = []
    for c in cases:
        exp = _expected(c)
        got = legal_basis.suggest(c["text"])
        article = got.article if got else None
        if article and article in exp:
            tp += 1
        elif article:
            fp += 1
        if (article in exp) if exp else article is None:
            continue
        wrong.append((c["text"], article, exp))
    positives = sum(1 for c in cases if _expected(c))
    return (tp / (tp + fp) if tp + fp else 1.0), tp / positives, wrong


@pytest.mark.parametrize("name,batch", list(LEVELS))
def test_precision_and_recall(name, batch):
    cases = _cases(name, batch)
    precision, recall, wrong = score(cases)
    misses = Counter(exp[0] if exp else "null" for _, _, exp in wrong)
    print(f"\nlegal basis, {name} {batch or ''}: {len(cases)} problems, precision {precision:.3f}, "
          f"recall {recall:.3f}; wrong by expected article: {dict(misses)}")
    min_precision, min_recall = LEVELS[(name, batch)]
    assert precision >= 0.97 and precision >= min_precision - 1e-9, wrong
    assert recall >= min_recall - 1e-3, wrong


def test_heldout_set_is_large_varied_and_not_in_the_rules():
    cases = _cases("heldout", None)
    first = _cases("heldout", 1)
    assert len(first) >= 120 and sum(1 for c in first if c["expected"] is None) / len(first) >= 0.2
    texts = [c["text"] for c in cases]
    assert len(set(texts)) == len(texts)
    labelled = {c["text"] for c in _cases("labelled", None)}
    assert not labelled & set(texts)
    rules = RULES.read_text(encoding="utf-8")
    copied = [t for t in texts if len(t) >= 6 and t in rules]
    assert not copied, copied
    articles = {a for c in cases for a in _expected(c)}
    assert len(articles) >= 16                              # every row of the table is exercised


def test_labelled_set_has_unbacked_problems():
    cases = _cases("labelled", None)
    assert len(cases) >= 150
    assert sum(1 for c in cases if c["expected"] is None) / len(cases) >= 0.15


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


@pytest.mark.parametrize("problem,ok", [
    ("员工未戴安全帽", "第四十五条"), ("已为员工配发安全帽", None), ("员工均已佩戴安全帽", None), ("安全帽", None),
    ("配电箱无漏电保护器", "第三十六条"), ("配电箱漏电保护器完好", None),
    ("焊工证已过期", "第三十条"),                       # 已 with a defect word is still a problem
    ("灭火器放在安全出口旁", None),                      # the object alone, no defect
])
def test_negation_and_object_alone(problem, ok):
    got = legal_basis.suggest(problem)
    assert (got.article if got else None) == ok


def test_typos_and_abbreviations_are_normalised():
    assert legal_basis.normalise("配电箱无漏保") == "配电箱无漏电保护器"
    assert legal_basis.normalise("安全 岀口 “上锁”") == "安全出口上锁"
    assert legal_basis.normalise("２＃车间") == "2#车间"
    assert legal_basis.suggest("安全岀口被封堵").article == "第四十二条"
    assert legal_basis.suggest("劳保用品未发放").article == "第四十五条"


def test_two_hazards_in_one_text_get_the_most_specific_rule():
    """The template prints one 依据 line per problem: the rule of higher priority wins, in any order."""
    for text in ("配电箱无漏保，且无警示标志", "无警示标志，配电箱无漏保"):
        b = legal_basis.suggest(text)
        assert b.rule == "warning_signs" and b.article == "第三十五条"
    # one clause's exclusion does not silence the other clause's hazard
    assert legal_basis.suggest("叉车司机无证，员工未戴安全帽").article == "第四十五条"


def test_no_backing_leaves_a_visible_blank():
    text, source = legal_basis.resolve("电动自行车在楼道内停放充电")
    assert source == "blank" and text.startswith("依据：") and "____" in text
    assert "第" not in text


def test_suggestion_text_and_unverified_penalty_left_out():
    b = legal_basis.suggest("二楼安全出口上锁")
    assert b.text == "依据：《中华人民共和国安全生产法》第四十二条；罚则：第一百零五条"
    b = legal_basis.suggest("危险化学品未存储在专用仓库内")      # table penalty is "—"
    assert b.duty == "第三十九条" and b.penalty is None and "罚则" not in b.text
    b = legal_basis.suggest("上次检查发现的隐患至今未整改")        # table duty is "—"
    assert b.duty is None and b.text == "依据：《中华人民共和国安全生产法》第一百零二条"


def test_inspector_override_wins():
    assert legal_basis.resolve("安全出口上锁", "《消防法》第二十八条") == ("依据：《消防法》第二十八条", "manual")
    text, source = legal_basis.resolve("安全出口上锁", "无")
    assert source == "blank" and "____" in text


# --- issue 15: batch 4 by category, typos, contrasts, negations, tampered devices ---------------------------

def _batch4(path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("category", list(LEVELS4))
def test_batch4_heldout_by_category(category):
    cases = [c for c in _batch4(BATCH4) if c["category"] == category]
    precision, recall, wrong = score(cases)
    print(f"\nlegal basis, batch 4 {category}: {len(cases)} problems, precision {precision:.3f}, recall {recall:.3f}")
    min_precision, min_recall = LEVELS4[category]
    assert precision >= min_precision - 1e-3 and recall >= min_recall - 1e-3, wrong


def test_batch4_sets_are_separate_large_and_not_in_the_rules():
    heldout, tuning = _batch4(BATCH4), _batch4(TUNING4)
    assert len(heldout) >= 150 and len(tuning) >= 150
    assert {c["category"] for c in heldout} == set(LEVELS4) == {c["category"] for c in tuning}
    texts = [c["text"] for c in heldout]
    others = {c["text"] for c in tuning} | {c["text"] for c in _cases("heldout", None)} \
        | {c["text"] for c in _cases("labelled", None)}
    assert len(set(texts)) == len(texts) and not set(texts) & others
    rules = RULES.read_text(encoding="utf-8")
    assert not [t for t in texts + [c["text"] for c in tuning] if len(t) >= 6 and t in rules]
    assert sum(1 for c in heldout if c["expected"] is None) >= 25


def test_tuning_set_stays_as_tuned():
    precision, recall, wrong = score(_batch4(TUNING4))
    assert precision >= 0.99 and recall >= 0.94 - 1e-3, wrong


@pytest.mark.parametrize("typed,meant", [
    ("未发放劳动防扩用品", "未发放劳动防护用品"),        # look-alike in the same radical block
    ("未编制应急预按", "未编制应急预案"),                # homophone
    ("电焊工无证上冈", "电焊工无证上岗"),
    ("作业人员未系安全代", "作业人员未系安全带"),
    ("安全门联锁开关被拆除", "安全门联锁开关被拆除"),    # 安全门 is a word: no typo of 安全帽
    ("硫化氢检测探头损坏", "硫化氢检测探头损坏"),        # 探 belongs to 探头: no 检测仪 here
    ("未投保安全生产责任险", "未投保安全生产责任险"),    # 险 sounds and looks nothing like 制
    ("一氧化碳报警器故障", "一氧化碳报警器故障"),        # 警器 is inside the word 报警器
])
def test_one_character_typos_are_corrected_only_when_plausible(typed, meant):
    assert legal_basis.normalise(typed) == meant


@pytest.mark.parametrize("problem,ok", [
    ("已办理动火作业票，但现场无人监护", "第四十三条"),       # the contrast names what the first half allowed
    ("漏电保护器已安装，但按试验按钮不跳闸", "第三十六条"),
    ("安全帽已配发，但工人作业时未戴", "第四十五条"),
    ("安全帽已配发，员工均正确佩戴", None),
    ("检查中未发现无证上岗", None),                           # the problem was not found
    ("应急演练已按计划开展，记录完整", None),                 # nothing in the text says anything is wrong
    ("可燃气体报警器被人为断电", "第三十六条"),               # tampered
    ("报警设定值被擅自调高", "第三十六条"),
    ("篡改有毒气体监测数据", "第三十六条"),
    ("液氯储存量超过临界量，未登记建档", "第四十条"),          # a 重大危险源 without the word
    ("消防报警主机被断电", None),                             # fire equipment stays unbacked
])
def test_contrast_negation_tampering_and_major_hazard(problem, ok):
    got = legal_basis.suggest(problem)
    assert (got.article if got else None) == ok
