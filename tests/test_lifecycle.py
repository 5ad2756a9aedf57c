"""The whole path: a filled 督导检查表 is parsed into the ledger → 指令书 → 整改 → 复查 → 销号, by the CLI."""
import zipfile
from pathlib import Path

import pytest

from clirun import run as cli
from conftest import BACKENDS, ledger_at
from ledger.db import connect

ENTERPRISE = "晋城市城区某某建材有限公司"
PROBLEMS = ["成品库安全出口上锁", "电焊工无证上岗作业", "车间积尘未及时清扫"]


def text_of(path: Path) -> str:
    import re
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "{{" not in xml and "{%" not in xml
    paras = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paras)


@pytest.fixture(scope="module", params=BACKENDS)
def issued(request, tmp_path_factory):
    from generators.forms import draw_form
    from parsers.pipeline import parse

    tmp = tmp_path_factory.mktemp("life")
    returns = tmp / "returns"
    returns.mkdir()
    data = {"enterprise": ENTERPRISE, "check_date": "2023-03-05", "inspectors": ["张三", "李四"],
            "content": "安全生产大排查", "problems": PROBLEMS, "measures": ["立即开锁", "停止作业", "清扫"],
            "deadline": "2023-03-20", "responsible": "王五", "recheck_by": None, "recheck_date": None,
            "rectification": None, "recheck_result": None}
    draw_form("supervision_check", returns / "督导检查表.docx", data,
              {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-05"})
    db, drop = ledger_at(request.param, tmp)
    request.addfinalizer(drop)
    summary = parse([returns], db=db, progress=False)
    assert not summary.errors
    run = cli("order", "--db", db, "--source", "督导检查表.docx", "-o", tmp / "orders", "--date", "2023-03-10",
              "--by", "张三")
    assert run.returncode == 0, run.stderr
    assert "（城区）应急责改〔2023〕1号" in run.stdout
    con = connect(db)
    ids = [r[0] for r in con.execute("SELECT id FROM hazards ORDER BY id")]
    con.close()
    return db, tmp, ids


def test_parsed_problems_become_one_numbered_order(issued):
    db, tmp, ids = issued
    assert len(ids) == 3
    files = list((tmp / "orders").glob("*_责令限期整改指令书.docx"))
    text = text_of(files[0])
    for n, p in enumerate(PROBLEMS, 1):
        assert f"{n}．{p}" in text
    assert "现责令你单位对上述第1至3项问题于2023年3月20日前整改完毕" in text


def test_lifecycle_by_cli(issued):
    db, tmp, ids = issued
    a, b, c = ids
    run = cli("hazard", "list", "--db", db, "--overdue", "--today", "2023-03-25")
    assert run.returncode == 0 and "共3项" in run.stdout and "【逾期】" in run.stdout
    assert "共0项" in cli("hazard", "list", "--db", db, "--overdue", "--today", "2023-03-15").stdout

    assert cli("hazard", "rectified", a, b, "--db", db, "--date", "2023-03-18", "--by", "企业王五").returncode == 0
    run = cli("hazard", "list", "--db", db, "--overdue", "--today", "2023-03-25")
    assert "共1项" in run.stdout                               # only the unrectified one is overdue

    run = cli("hazard", "close", a, "--db", db, "--by", "张三")
    assert run.returncode == 2 and f"隐患 {a} 尚未复查通过，不能销号" in run.stderr

    run = cli("hazard", "recheck", "1", "--db", db, "--date", "2023-03-21", "--passed", a, b, "--by", "张三")
    assert run.returncode == 2 and "第3项" in run.stderr and "未给出复查结果" in run.stderr

    out = tmp / "复查意见书.docx"
    run = cli("hazard", "recheck", "（城区）应急责改〔2023〕1号", "--db", db, "--date", "2023-03-21",
              "--passed", a, b, "--failed", c, "--by", "张三", "-o", out)
    assert run.returncode == 0, run.stderr
    assert "（城区）应急复查〔2023〕1号" in run.stdout
    text = text_of(out)
    for element in ("整改复查意见书", "本机关于2023年3月10日作出了责令限期整改指令书的决定［（城区）应急责改〔2023〕1号］",
                    "1．成品库安全出口上锁——已整改。", "3．车间积尘未及时清扫——未整改。", "上述第3项问题未整改",
                    "被复查单位负责人（签名）：", "（印章）", "2023年3月21日", "一份交被复查单位"):
        assert element in text, element

    assert cli("hazard", "close", a, b, "--db", db, "--by", "张三").returncode == 0
    run = cli("hazard", "void", "1", "--db", db, "--reason", "误开", "--by", "张三")
    assert run.returncode == 2 and "已复查，不能作废" in run.stderr

    # the failed item is rectified later, passes a second recheck, and is closed: the order is closed
    assert cli("hazard", "rectified", c, "--db", db, "--date", "2023-03-28", "--by", "企业王五").returncode == 0
    run = cli("hazard", "recheck", "1", "--db", db, "--date", "2023-03-30", "--passed", c, "--by", "李四")
    assert run.returncode == 0 and "（城区）应急复查〔2023〕2号" in run.stdout and "复查通过" in run.stdout
    assert cli("hazard", "close", c, "--db", db, "--by", "李四").returncode == 0

    con = connect(db)
    assert [r[0] for r in con.execute("SELECT status FROM hazards ORDER BY id")] == ["closed"] * 3
    assert con.execute("SELECT status FROM orders").fetchone()[0] == "closed"
    actions = [(r["action"], r["actor"]) for r in
               con.execute("SELECT action, actor FROM hazard_events WHERE hazard_id = ? ORDER BY id", (c,))]
    con.close()
    assert [x for x, _ in actions] == ["found", "ordered", "recheck_failed", "rectified", "recheck_passed", "closed"]
    assert actions[-1][1] == "李四" and actions[1][1] == "张三"
    run = cli("hazard", "history", c, "--db", db)
    assert run.returncode == 0 and "recheck_failed" in run.stdout and "已销号" in run.stdout


def test_supervised_and_status_lists(tmp_path, ledger_target):
    db = ledger_target
    con = connect(db)
    con.execute("INSERT INTO hazards (enterprise, description, level, origin, deadline) VALUES"
                " ('甲厂', '粉尘涉爆除尘系统未设置泄爆装置', 'major', 'major_hazard_list', '2023-04-01')")
    con.execute("INSERT INTO hazards (enterprise, description, origin, supervised) VALUES"
                " ('乙厂', '液氨储罐区未设置气体泄漏报警', 'manual', 1)")
    con.execute("INSERT INTO hazards (enterprise, description, origin) VALUES ('丙厂', '灭火器过期', 'self_check')")
    con.close()
    run = cli("hazard", "list", "--db", db, "--supervised")
    assert run.returncode == 0 and "共2项" in run.stdout and "丙厂" not in run.stdout and "【督办】" in run.stdout
    assert "共3项" in cli("hazard", "list", "--db", db, "--status", "open").stdout
    run = cli("hazard", "rectified", 99, "--db", db)
    assert run.returncode == 2 and "没有编号为 99 的隐患" in run.stderr
    assert cli("hazard", "basis", 3, "--db", db, "--text", "《消防法》第十六条", "--by", "张三").returncode == 0
    from generators.order import issue_orders
    result = issue_orders(db=db, out_dir=tmp_path / "o", issued="2023-03-10")
    assert len(result.orders) == 3
    assert any("没有整改期限" in n and "15日" in n for n in result.notes)
    bing = next(o for o in result.orders if o.enterprise == "丙厂")
    assert "1．灭火器过期\n依据：《消防法》第十六条" in text_of(bing.path)
    assert bing.deadlines == ["2023-03-25"]
