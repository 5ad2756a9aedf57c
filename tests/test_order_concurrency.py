"""Orders issued exactly once: runs at the same time, runs killed after numbering, documents printed again.

The ledger is filled from the sample returns: six enterprises, one of them (南庄煤炭物流) with a
deadline before the issue date, which must be left out with a message while the others are issued.
"""
import contextlib
import multiprocessing
import os
import shutil
import signal
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import cli
from conftest import BACKENDS, ROOT, ledger_at
from generators import legal_basis, order
from ledger.backend import is_server
from ledger.db import connect
from ledger.orders import run_alive
from services.ledgers import copy_ledger
from test_order import doc_text, doc_xml

ISSUED = "2023-03-16"
BAD = "晋城市城区南庄煤炭物流有限公司"           # its hazards' deadline (2023-03-02) is before ISSUED
# what each issuer asks for, in turn: everything, or a part that overlaps everything
FILTERS = [[], ["--town", "北石店镇"], ["--enterprise", "晋城市城区兴盛化工有限公司"], ["--town", "钟家庄街道"]]
FORK = multiprocessing.get_context("fork")


@pytest.fixture(scope="module")
def sample_ledger(tmp_path_factory):
    """A closed ledger of the parsed sample returns, copied by each test."""
    from parsers.pipeline import parse

    returns = ROOT / "samples" / "returns"
    db = tmp_path_factory.mktemp("samples") / "台账.db"
    summary = parse([returns / "北石店镇", returns / "南庄镇", returns / "西上庄街道", returns / "钟家庄街道"],
                    db=db, progress=False, workers=1)
    assert not summary.errors
    # warm what every run loads, so forked issuers start at once
    order.prepared(order.ORDER_TEMPLATE)
    legal_basis.resolve("配电箱未设置漏电保护装置")
    return db


def ledger_copy(sample_ledger, tmp_path, backend: str = "sqlite", request=None) -> str:
    """The sample ledger as a SQLite file, or copied into a fresh PostgreSQL database (cli.py ledger copy)."""
    if backend == "sqlite":
        db = tmp_path / "台账.db"
        shutil.copy(sample_ledger, db)
        return str(db)
    url, drop = ledger_at(backend, tmp_path)
    request.addfinalizer(drop)
    copy_ledger(sample_ledger, url)
    return url


def lock_files(db: str) -> list[Path]:
    """The print-run lock files beside a SQLite ledger (on PostgreSQL the locks live in the server)."""
    return [] if is_server(db) else list(Path(db).parent.glob("*-run-*.lock"))


def run_cli(argv: list[str], log: Path) -> int:
    with open(log, "w", encoding="utf-8") as f, contextlib.redirect_stdout(f), contextlib.redirect_stderr(f):
        return cli.main([str(a) for a in argv])


def _issuer(barrier, argv, log):
    barrier.wait()
    sys.exit(run_cli(argv, log))


def assert_issued_once(db: str, out: Path) -> list[dict]:
    """Each hazard in at most one live order, numbers 1..N, every order printed into exactly one document."""
    con = connect(db)
    orders = [dict(r) for r in con.execute("SELECT * FROM orders WHERE status != 'void' ORDER BY serial")]
    per_hazard = con.execute("SELECT oi.hazard_id, COUNT(*) FROM order_items oi JOIN orders o ON o.id = oi.order_id"
                             " WHERE o.status != 'void' GROUP BY oi.hazard_id").fetchall()
    good = {r[0] for r in con.execute("SELECT id FROM hazards WHERE enterprise != ?", (BAD,))}
    con.close()
    assert [o["serial"] for o in orders] == list(range(1, len(orders) + 1))
    assert all(n == 1 for _, n in per_hazard)
    assert {h for h, _ in per_hazard} == good                   # every good hazard ordered, the bad one not
    merged = [doc_text(p) for p in out.glob("指令书合并打印（*）.docx")]
    for o in orders:
        docs = list(out.glob(f"{o['serial']:04d}_*_责令限期整改指令书.docx"))
        assert len(docs) == 1 and o["printed_at"] and Path(o["file"]) == docs[0]
        assert o["number"] in doc_text(docs[0])
        assert sum(o["number"] in m for m in merged) == 1
    assert len(list(out.glob("*_责令限期整改指令书.docx"))) == len(orders)
    assert not list(out.glob(".~*")) and not lock_files(db)
    return orders


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("issuers", [2, 4, 8])
def test_issuers_at_the_same_time_issue_each_hazard_once(sample_ledger, tmp_path, issuers, backend, request):
    db, out = ledger_copy(sample_ledger, tmp_path, backend, request), tmp_path / "指令书"
    barrier = FORK.Barrier(issuers)
    logs = [tmp_path / f"issuer{i}.log" for i in range(issuers)]
    procs = [FORK.Process(target=_issuer, args=(barrier, ["order", "--db", db, "-o", out, "--date", ISSUED,
                                                           *FILTERS[i % len(FILTERS)]], logs[i]))
             for i in range(issuers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
    texts = [log.read_text(encoding="utf-8") for log in logs]
    assert all(p.exitcode in (0, 2) for p in procs), texts
    done = [t for p, t in zip(procs, texts) if p.exitcode == 0]
    assert done and all("未整改隐患" in t or "没有可出具的指令书" in t for p, t in zip(procs, texts) if p.exitcode == 2)
    orders = assert_issued_once(db, out)
    assert len(orders) == 5                                         # six enterprises, one left out
    assert sum(t.count("已出具：") for t in done) == 5
    # the issuers asking for everything name the enterprise left out, whether they issued or not
    assert all(f"未出具（{BAD}）：" in t and "早于出具日期" in t for t in texts[::len(FILTERS)])
    # one merged print file and one register per run that printed, none overwritten
    assert len(list(out.glob("指令书合并打印（*）.docx"))) == len(done)
    assert len(list(out.glob("指令书登记簿（*）.xlsx"))) == len(done)


def _killed_issuer(argv, log, kill_at):
    """An order run killed (SIGKILL, no clean-up) when it is about to write document number `kill_at`."""
    save = order.PreparedTemplate.save
    written = []

    def save_or_die(self, xml, out):
        if len(written) + 1 == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        written.append(out)
        return save(self, xml, out)

    order.PreparedTemplate.save = save_or_die
    sys.exit(run_cli(argv, log))


@pytest.mark.parametrize("kill_at, rerun", [(1, ["--all-unprinted"]), (3, [])],
                         ids=["before-any-document", "after-two-documents"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_run_killed_after_numbering_is_finished_by_the_next(sample_ledger, tmp_path, kill_at, rerun, backend,
                                                              request):
    db, out = ledger_copy(sample_ledger, tmp_path, backend, request), tmp_path / "指令书"
    argv = ["order", "--db", db, "-o", out, "--date", ISSUED]
    p = FORK.Process(target=_killed_issuer, args=(argv, tmp_path / "killed.log", kill_at))
    p.start()
    p.join(300)
    assert p.exitcode == -signal.SIGKILL
    con = connect(db)
    assert con.execute("SELECT COUNT(*) FROM orders WHERE printed_at IS NULL").fetchone()[0] == 5
    runs = {r[0] for r in con.execute("SELECT print_run FROM orders WHERE printed_at IS NULL")}
    assert len(runs) == 1 and not run_alive(con, runs.pop())       # the killed run's lock is no longer held
    con.close()
    assert len(list(out.glob("*_责令限期整改指令书.docx"))) == kill_at - 1
    assert lock_files(db) or is_server(db)                          # the killed run's file is left behind

    log = tmp_path / "rerun.log"
    assert run_cli(argv + rerun, log) == 0
    text = log.read_text(encoding="utf-8")
    assert text.count("已补出：") == 5 and "已出具：" not in text
    assert "已编号未生成文书的5份指令书本次补出" in text and "另补出此前中断未生成文书的 5 份" in text
    assert_issued_once(db, out)
    # nothing left to finish: a plain run refuses again, naming the enterprise left out
    assert run_cli(argv, log) == 2
    assert f"未出具（{BAD}）" in log.read_text(encoding="utf-8")


def test_a_hazard_list_run_killed_after_numbering_is_not_issued_twice(tmp_path):
    """Typed-in orders have no ledger hazards: the rerun of the same list finishes them and numbers nothing."""
    hazards = ROOT / "samples" / "orders" / "隐患清单.xlsx"
    db, out = tmp_path / "t.db", tmp_path / "指令书"
    argv = ["order", "--hazards", hazards, "--db", db, "-o", out, "--date", "2023-03-12"]
    p = FORK.Process(target=_killed_issuer, args=(argv, tmp_path / "killed.log", 2))
    p.start()
    p.join(300)
    assert p.exitcode == -signal.SIGKILL
    log = tmp_path / "rerun.log"
    assert run_cli(argv, log) == 0
    text = log.read_text(encoding="utf-8")
    con = connect(db)
    numbers = [r[0] for r in con.execute("SELECT number FROM orders ORDER BY serial")]
    assert con.execute("SELECT COUNT(*) FROM orders WHERE printed_at IS NULL").fetchone()[0] == 0
    con.close()
    assert numbers and text.count("已补出：") == len(numbers) and "已出具：" not in text
    assert text.count("内容相同，不重复出具") == len(numbers)
    assert len(list(out.glob("*_责令限期整改指令书.docx"))) == len(numbers)


def test_documents_are_printed_again_from_the_ledger_alone(sample_ledger, tmp_path):
    db, out = ledger_copy(sample_ledger, tmp_path), tmp_path / "指令书"
    assert run_cli(["order", "--db", db, "-o", out, "--date", ISSUED], tmp_path / "a.log") == 0
    orders = assert_issued_once(db, out)
    first = orders[1]
    again = tmp_path / "补印"
    log = tmp_path / "b.log"
    # by serial and by the full 文号, into another folder: the same document as first printed
    assert run_cli(["order", "--db", db, "-o", again, "--reprint", "2", "--reprint", orders[0]["number"]], log) == 0
    text = log.read_text(encoding="utf-8")
    assert "共重新生成责令限期整改指令书 2 份" in text and f"已重新生成：{first['number']}" in text
    copy = next(again.glob("0002_*_责令限期整改指令书.docx"))
    assert doc_xml(copy) == doc_xml(Path(first["file"]))
    assert (again / "指令书合并打印（2023年第1至2号）.docx").exists()
    con = connect(db)
    row = con.execute("SELECT file, printed_at FROM orders WHERE id = ?", (first["id"],)).fetchone()
    con.close()
    assert row["printed_at"] == first["printed_at"] and Path(row["file"]) == copy   # first printing kept
    ws = load_workbook(again / "指令书登记簿（2023年第1至2号）.xlsx").active
    assert all(r[6] != "未生成" for r in ws.iter_rows(min_row=2, values_only=True))
    # a void order is not printed again; an unknown number is named
    assert run_cli(["hazard", "void", "2", "--db", db, "--reason", "企业名称写错", "--by", "张三"], log) == 0
    assert run_cli(["order", "--db", db, "-o", again, "--reprint", "2"], log) == 2
    assert "已作废" in log.read_text(encoding="utf-8")
    assert run_cli(["order", "--db", db, "-o", again, "--reprint", "99"], log) == 2
    assert "没有编号为“99”的指令书" in log.read_text(encoding="utf-8")
    # nothing unprinted: --all-unprinted says so and prints nothing
    assert run_cli(["order", "--db", db, "-o", again, "--all-unprinted"], log) == 0
    assert "台账中没有待补出文书的指令书" in log.read_text(encoding="utf-8")
