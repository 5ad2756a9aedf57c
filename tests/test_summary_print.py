"""通报 / 总结 ready to sign: 版头 and 版记 from options, impossible figures listed for the secretary and
marked (never “200.00%”), length and the problem share measured against 003's rule."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document

from clirun import run
from generators.gongwen.check import check_file
from generators.summary import counted_chars, summary
from ledger.db import connect, transaction

ORGAN = "晋城市城区安全生产委员会办公室"
# 003 全市安全检查督导情况统计表, one return per unit for 2023-03 (unit: {key: value})
UNITS = {
    "甲镇": {"general_hazards_found": 10, "general_hazards_fixed": 12, "major_hazards_found": 1,   # fixed > found
             "major_hazards_fixed": 0, "inspectors": 6},
    "乙镇": {"general_hazards_found": 8, "general_hazards_fixed": 3, "major_hazards_found": -1,    # negative
             "major_hazards_fixed": 0, "inspectors": 4},
    "丙街道": {"general_hazards_found": 20, "general_hazards_fixed": 19, "major_hazards_found": 2,
              "major_hazards_fixed": 1, "inspectors": 9},
    "丁镇": {"general_hazards_found": 10, "general_hazards_fixed": 2, "major_hazards_found": 0,   # a low rate
             "major_hazards_fixed": 0, "inspectors": 3},
}
HIGHLIGHT = "推行“专家+执法”联合检查模式，对辖区重点企业开展全覆盖体检式检查，建立问题清单、整改清单、责任清单。"
PROBLEM = "部分小微企业安全管理人员配备不足，隐患自查流于形式。"


def build(db: Path, highlight_repeat: int = 1) -> Path:
    con = connect(db)
    with transaction(con):
        con.execute("INSERT INTO sources (sha256, path, format, imported_at) VALUES ('t', 'test', 'xlsx', 'now')")
        for unit, values in UNITS.items():
            cur = con.execute("INSERT INTO records (source_id, form_type, reporting_unit, period, fill_date, json,"
                              " created_at) VALUES (1, 'inspection_stats', ?, '2023-03', '2023-03-31', '{}', 'now')",
                              (unit,))
            data = dict(values, unit=unit, highlights=HIGHLIGHT * highlight_repeat, problems=PROBLEM)
            con.execute("INSERT INTO stats_rows (record_id, form_type, reporting_unit, unit, period, data)"
                        " VALUES (?, 'inspection_stats', ?, ?, '2023-03', ?)",
                        (cur.lastrowid, unit, unit, json.dumps(data, ensure_ascii=False)))
    con.close()
    return db


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("summary_print") / "台账.db")


def _paragraphs(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def _cells(path: Path) -> list[list[str]]:
    return [[c.text for c in r.cells] for t in Document(str(path)).tables for r in t.rows]


def test_impossible_figures_listed_and_marked_never_printed(db, tmp_path):
    res = summary(db, tmp_path / "通报.docx", "2023-03", ORGAN)
    assert {(d.unit, d.key) for d in res.doubts} == {("甲镇", "general_hazards_fixed"),
                                                     ("乙镇", "major_hazards_found")}
    paras = _paragraphs(res.out)
    # the note for the secretary comes before the body and names each unit, figure and why
    start = next(i for i, p in enumerate(paras) if p.startswith("现将"))
    note = "\n".join(paras[:start])
    assert "【数据核对" in note
    assert "甲镇" in note and "一般隐患整改12" in note and "多于一般隐患排查10" in note and "120.00%" in note
    assert "乙镇" in note and "重大隐患排查-1" in note and "负数" in note
    rows = {r[0]: r for r in _cells(res.out) if r[0] in UNITS or r[0] == "合计"}
    # 单位 | 一般 排查 整改 整改率 | 重大 排查 整改 整改率 | …
    assert rows["甲镇"][1:4] == ["10", "12※", "待核实"]
    assert rows["乙镇"][4:7] == ["-1※", "0", "待核实"]
    assert rows["丙街道"][1:7] == ["20", "19", "95.00%", "2", "1", "50.00%"]
    assert rows["合计"][4:7] == ["2", "1", "50.00%"]         # the total itself is possible
    # no rate over 100% anywhere (text or tables), no silent negative rate
    text = "\n".join(paras) + "\n".join("|".join(r) for r in _cells(res.out))
    body = "\n".join(paras[start:])
    rates = [float(x) for x in re.findall(r"(-?\d+(?:\.\d+)?)%", body + "\n".join("|".join(r) for r in _cells(res.out)))]
    assert rates and all(0 <= r <= 100 for r in rates), rates
    assert "120.00%" not in text.replace(note, "")
    assert any("数据核对" in w for w in res.warnings)


def test_length_and_problem_share_measured_as_003_says(db, tmp_path):
    res = summary(db, tmp_path / "总结.docx", "2023-03", ORGAN, kind="总结")
    paras = _paragraphs(res.out)
    start = next(i for i, p in enumerate(paras) if p.startswith("现将"))
    end = next(i for i, p in enumerate(paras) if p.startswith("附件") or p == ORGAN)
    body = [p for p in paras[start:end] if not re.match(r"^[表图]\d", p)]     # captions are not text
    problems = body[body.index("三、存在问题"):body.index("四、下步打算")]
    want_chars = sum(counted_chars(p) for p in body)
    want_problems = sum(counted_chars(p) for p in problems)
    length = res.length
    assert (length.chars, length.problem_chars) == (want_chars, want_problems)
    assert length.max_chars == 2500 and length.min_share == 0.5
    assert length.share == pytest.approx(want_problems / want_chars)
    # the problems section holds what the numbers show and the units' reported problems
    assert any("整改率低于平均水平" in p and "丁镇（20.00%）" in p and "丙街道" not in p for p in problems)
    assert any(PROBLEM in p for p in problems)
    # the placeholder tells the secretary how much more to write; writing it meets the rule
    need = length.need
    assert not length.share_ok and need > 0
    assert f"本部分现有{length.problem_chars}字，至少还需写约{need}字" in "".join(problems)
    assert (length.problem_chars + need) / (length.chars + need) >= 0.5
    assert (length.problem_chars + need - 1) / (length.chars + need - 1) < 0.5
    assert length.text.startswith(f"{want_chars}字（应不超过2500字，符合）")


def test_too_long_drops_quoted_highlights_first(tmp_path):
    db = build(tmp_path / "长.db", highlight_repeat=20)        # 3 units × ~1000 characters of 做法
    res = summary(db, tmp_path / "总结.docx", "2023-03", ORGAN, kind="总结", chart=False)
    assert res.length.length_ok and res.length.chars <= 2500
    assert any("已略去" in w for w in res.warnings)
    text = "\n".join(_paragraphs(res.out))
    assert text.count(PROBLEM) == len(UNITS)                 # problems are never dropped
    assert 0 < text.count(HIGHLIGHT * 20) < len(UNITS)


def test_banner_from_options_passes_the_checker(db, tmp_path):
    """发文字号, 抄送 and 印发 from an options YAML (the keys of `format --options`), --doc-number over it;
    the 通报 passes `cli.py check --render`; the CLI reports the length and the doubtful figures."""
    options = tmp_path / "选项.yaml"
    options.write_text("doc_number: 城安办〔2023〕9号\ncc: 区委办公室，区政府办公室\n"
                       "printer: 晋城市城区安全生产委员会办公室\nprint_date: 2023-04-03\n", encoding="utf-8")
    out = tmp_path / "通报.docx"
    r = run("summary", "--db", db, "--period", "2023-03", "--organ", ORGAN, "-o", out, "--options", options,
            "--doc-number", "城安办〔2023〕12号", "--no-chart")
    assert r.returncode == 0, r.stderr
    assert "篇幅：" in r.stdout and "存在问题" in r.stdout
    assert "数据核对：2 个数字不合常理" in r.stdout and "甲镇" in r.stdout
    paras = _paragraphs(out)
    assert "城安办〔2023〕12号" in paras
    text = "\n".join(paras)
    assert "抄送：区委办公室，区政府办公室。" in text.replace("、", "，")
    assert re.search(r"晋城市城区安全生产委员会办公室\s+2023年4月3日印发", text)
    assert check_file(out) == []
    r = run("check", out, "--render")
    assert r.returncode == 0, r.stdout + r.stderr


def test_report_upwards_asks_for_signers(db, tmp_path):
    res = summary(db, tmp_path / "总结.docx", "2023-03", ORGAN, kind="总结",
                  options={"recipients": "市安委会办公室", "doc_number": "城安办〔2023〕13号"}, chart=False)
    assert any("签发人" in w for w in res.warnings)
    res = summary(db, tmp_path / "总结2.docx", "2023-03", ORGAN, kind="总结", chart=False,
                  options={"recipients": "市安委会办公室", "doc_number": "城安办〔2023〕13号", "signers": "王建国"})
    assert not any("签发人" in w or "发文字号" in w for w in res.warnings)
    text = "\n".join(_paragraphs(res.out))
    assert "签发人" in text and "王建国" in text and "市安委会办公室：" in text
    assert check_file(res.out) == []
