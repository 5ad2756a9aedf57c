"""The commands not run end to end elsewhere, in-process (tests/clirun.py): output text and exit codes."""
from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

import cli
from clirun import run
from conftest import ROOT

SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A ledger from one town's sample returns, by `cli.py parse`."""
    tmp = tmp_path_factory.mktemp("cli")
    r = run("parse", SAMPLES / "returns" / "北石店镇", "--db", tmp / "台账.db", "-q", "--workers", "1")
    assert r.returncode == 0 and "台账：新增 11 个文件" in r.stdout, r.stdout + r.stderr
    return tmp / "台账.db"


def test_form(tmp_path):
    r = run("form", "supervision_check", "-o", tmp_path / "督导检查表.docx")
    assert (r.returncode, r.stdout) == (0, f"已生成空白表：{tmp_path / '督导检查表.docx'}\n")
    r = run("form", "无此表", "-o", tmp_path / "x.docx")
    assert r.returncode == 2 and r.stderr.startswith("错误：") and r.stdout == ""


def test_format(tmp_path):
    out = tmp_path / "排版后.docx"
    r = run("format", SAMPLES / "word_drafts" / "draft_jincheng.docx", "-o", out)
    assert (r.returncode, r.stdout) == (0, f"已排版：{out}\n") and out.exists()
    assert run("check", out).returncode == 0


def test_stats_remind_summary(db, tmp_path):
    r = run("stats", "--db", db, "-o", tmp_path / "统计表.xlsx")
    assert (r.returncode, r.stdout) == (0, f"已生成统计表：{tmp_path / '统计表.xlsx'}\n")
    assert "镇（街道）、部门大排查大整治行动统计表" in load_workbook(tmp_path / "统计表.xlsx").sheetnames
    assert run("stats", "--db", tmp_path / "无.db", "-o", tmp_path / "x.xlsx").returncode == 2

    r = run("remind", "--db", db, "--roster", SAMPLES / "roster.csv", "--form-type", "campaign_stats",
            "-o", tmp_path / "催报.docx")
    lines = r.stdout.splitlines()
    assert r.returncode == 0 and lines[0].startswith("统计期：") and "《镇（街道）、部门大排查大整治行动统计表》应报 6 个单位，已报 1 个，未报 5 个。" in lines[0]
    assert "  未报：钟家庄街道办事处（街道，张丽，0356-2286402）" in lines
    assert lines[-1] == f"已生成催报通知：{tmp_path / '催报.docx'}"
    r = run("remind", "--db", db, "--roster", SAMPLES / "roster.csv")     # no notice asked: none mentioned
    assert r.returncode == 0 and "催报通知" not in r.stdout

    r = run("summary", "--db", db, "-o", tmp_path / "通报.docx", "--no-chart")
    lines = r.stdout.splitlines()
    assert r.returncode == 0 and lines[0] == f"已生成：{tmp_path / '通报.docx'}" and lines[1].startswith("篇幅：")
    assert r.stderr.startswith("提示：未给出发文字号")
    r = run("summary", "--db", db, "-o", tmp_path / "通报.docx", "--no-chart", "--doc-number", "城安办〔2023〕1号")
    assert r.returncode == 0 and r.stderr == ""
    r = run("summary", "--db", db, "--period", "2019-01", "-o", tmp_path / "空.docx", "--kind", "总结")
    assert r.returncode == 0 and r.stderr.startswith("提示：2019年1月没有收到任何报表")


def test_demo_on_a_small_sample_set(tmp_path, monkeypatch):
    """The main job's four steps run, each reported, on a copy of a few samples."""
    samples = tmp_path / "samples"
    (samples / "notices").mkdir(parents=True)
    shutil.copy(sorted((SAMPLES / "notices").glob("00*.md"))[0], samples / "notices")
    shutil.copytree(SAMPLES / "returns" / "北石店镇", samples / "returns")
    shutil.copy(SAMPLES / "roster.csv", samples)
    monkeypatch.setattr(cli, "SAMPLES", samples)
    r = run("demo", "-o", tmp_path / "out")
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    for head in ("== 红头文件 ==", "== 回执解析与台账 ==", "== 责令限期整改指令书 ==", "== 统计表、催报与通报 =="):
        assert head in out
    assert "符合 GB/T 9704；PDF 已生成" in out and "共 11 个文件：解析成功 11 个" in out
    assert "共出具责令限期整改指令书" in out and "  已生成统计表：" in out and "  已生成通报：" in out
    assert out.rstrip().endswith(f"全部完成，结果在 {tmp_path / 'out'}/")


def test_demo_reports_a_failed_step_and_goes_on(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "SAMPLES", tmp_path / "没有样例")
    r = run("demo", "-o", tmp_path / "out")
    assert r.returncode == 1 and "有 2 个步骤失败" in r.stdout      # no ledger: no orders, no reports
    assert "失败：责令限期整改指令书：" in r.stdout and "失败：统计表、催报与通报：" in r.stdout


def test_serve_builds_the_app_and_runs_it(tmp_path, monkeypatch):
    """`serve` starts uvicorn with the workbench (uvicorn.run replaced: a test must not block)."""
    uvicorn = pytest.importorskip("uvicorn")
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(app=app, **kw))
    r = run("serve", "--db", tmp_path / "台账.db", "--data", tmp_path / "data", "--port", "8765")
    assert r.returncode == 0, r.stderr
    assert started["host"] == "127.0.0.1" and started["port"] == 8765 and started["app"] is not None
    assert r.stdout.startswith("工作台已启动：http://127.0.0.1:8765/")


def test_parse_progress_only_on_a_terminal():
    """-q or output not to a terminal: no progress; on a terminal the bar is drawn on stderr."""
    src = SAMPLES / "returns" / "北石店镇" / "自查表-晋城市城区宏达建材有限公司.docx"
    assert run("parse", src, "--workers", "1").stderr == ""
    r = run("parse", src, "--workers", "1", tty=True)
    assert r.stderr.startswith("\r解析中 [") and r.stderr.endswith("] 1/1 文件\n")
    assert run("parse", src, "--workers", "1", "-q", tty=True).stderr == ""
