"""责令限期整改指令书: issue from the ledger, an .xlsx list and a YAML spec; numbering; bad input."""
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from docx import Document
from openpyxl import load_workbook

from clirun import run as cli
from conftest import ROOT
from generators import order
from generators.excel import write
from ledger.db import connect
from ledger.orders import format_number, get_order, next_serial, void_order
from schema.errors import InputError, PaichaError

ISSUED = "2023-03-10"
FIXED_ELEMENTS = [
    "（城区）安全生产行政执法文书", "责令限期整改指令书", "经查，你单位存在下列问题：",
    "整改完毕，达到有关法律法规规章和标准规定的要求。由此造成事故的，依法追究有关人员的责任。",
    "整改期间，你单位应当采取措施，确保安全生产。对安全生产违法行为，将依法予以行政处罚。",
    "如果不服本指令，可以依法在60日内向晋城市城区人民政府申请行政复议，或者在6个月内依法向晋城市城区人民法院"
    "提起行政诉讼，但本指令不停止执行，法律另有规定的除外。",
    "安全生产监管行政执法人员（签名）：", "证号：", "被检查单位负责人（签名）：", "（印章）", "2023年3月10日",
    "本文书一式两份：一份由晋城市城区应急管理局备案，一份交被检查单位。",
]


def doc_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def doc_text(path: Path) -> str:
    """Paragraph texts of document.xml, one per line."""
    xml = doc_xml(path)
    paras = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paras)


def assert_rendered(path: Path):
    xml = doc_xml(path)
    assert "{{" not in xml and "{%" not in xml and "}}" not in xml
    Document(str(path))                                     # opens


def add_hazard(con, enterprise, description, deadline, town="北石店镇", found="2023-03-05", level="general"):
    row = con.execute("SELECT id FROM enterprises WHERE name = ?", (enterprise,)).fetchone()
    eid = row[0] if row else con.execute(
        "INSERT INTO enterprises (name, norm_name, town, address) VALUES (?, ?, ?, ?)",
        (enterprise, enterprise, town, "工业园区1号")).lastrowid
    return con.execute("INSERT INTO hazards (enterprise_id, enterprise, town, description, level, origin,"
                       " found_date, deadline) VALUES (?, ?, ?, ?, ?, 'supervision_check', ?, ?)",
                       (eid, enterprise, town, description, level, found, deadline)).lastrowid


@pytest.fixture(scope="module")
def ledger_batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("orders")
    db = tmp / "台账.db"
    con = connect(db)
    add_hazard(con, "晋城市城区甲建材有限公司", "成品库安全出口上锁", "2023-03-20")
    add_hazard(con, "晋城市城区甲建材有限公司", "电焊工无证上岗作业", "2023-03-15")
    add_hazard(con, "晋城市城区甲建材有限公司", "车间积尘未及时清扫", "2023-03-20")
    add_hazard(con, "晋城市城区乙机械厂", "砂轮机防护罩缺失", "2023-03-25")
    add_hazard(con, "晋城市城区丙商贸公司", "未制定应急救援预案", "2023-03-25", town="西上庄街道")
    con.close()
    result = order.issue_orders(db=db, out_dir=tmp / "out", town="北石店镇", actor="李四", issued=ISSUED)
    return db, tmp, result


def test_one_order_per_enterprise_numbered_in_sequence(ledger_batch):
    db, tmp, result = ledger_batch
    assert [o.enterprise for o in result.orders] == ["晋城市城区乙机械厂", "晋城市城区甲建材有限公司"] or \
        sorted(o.enterprise for o in result.orders) == ["晋城市城区乙机械厂", "晋城市城区甲建材有限公司"]
    numbers = sorted(o.number for o in result.orders)
    assert numbers == ["（城区）应急责改〔2023〕1号", "（城区）应急责改〔2023〕2号"]
    for o in result.orders:
        assert_rendered(o.path)


def test_every_fixed_element_of_the_form_is_printed(ledger_batch):
    _, _, result = ledger_batch
    jia = next(o for o in result.orders if o.enterprise.startswith("晋城市城区甲"))
    text = doc_text(jia.path)
    for element in FIXED_ELEMENTS:
        assert element in text, element
    assert jia.number in text and "晋城市城区甲建材有限公司：" in text
    assert "1．成品库安全出口上锁" in text and "2．电焊工无证上岗作业" in text
    # two deadlines → two sentences, items grouped
    assert "现责令你单位对上述第2项问题于2023年3月15日前整改完毕" in text
    assert "现责令你单位对上述第1、3项问题于2023年3月20日前整改完毕" in text
    assert "依据：《中华人民共和国安全生产法》第四十二条；罚则：第一百零五条" in text
    assert "依据：____" in text                                # 积尘: nothing in the table backs it
    xml = doc_xml(jia.path)
    assert 'w:val="double"' in xml                              # the double rule under the header
    assert "仿宋_GB2312" in xml and "方正小标宋简体" in xml
    assert xml.count("<w:bottom ") >= 5                          # ruled blanks for signatures and 证号


def test_merged_print_file_and_register(ledger_batch):
    db, _, result = ledger_batch
    assert_rendered(result.merged)
    text = doc_text(result.merged)
    for o in result.orders:
        assert o.number in text
    assert doc_xml(result.merged).count("<w:sectPr") == len(result.orders)
    ws = load_workbook(result.register).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == ("编号", "被检查单位", "问题数", "整改期限", "出具日期", "状态", "文书生成")
    jia = next(r for r in rows if r[1] == "晋城市城区甲建材有限公司")
    assert jia[2] == 3 and jia[3] == "2023-03-15至2023-03-20" and jia[4] == ISSUED and jia[5] == "已下达"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", jia[6])                  # the day its document was printed
    # named by the run's numbers, so another run into the same folder writes its own
    assert result.merged.name == "指令书合并打印（2023年第1至2号）.docx"
    assert result.register.name == "指令书登记簿（2023年第1至2号）.xlsx"
    assert not list(result.merged.parent.glob(".~*"))                    # no temporary file left behind


def test_hazards_under_an_order_are_not_ordered_again_and_void_frees_them(ledger_batch):
    db, tmp, result = ledger_batch
    with pytest.raises(PaichaError, match="没有符合条件的未整改隐患"):
        order.issue_orders(db=db, out_dir=tmp / "again", town="北石店镇", issued=ISSUED)
    con = connect(db)
    yi = next(o for o in result.orders if o.enterprise == "晋城市城区乙机械厂")
    void_order(con, yi.number, "李四", "企业名称写错")
    assert get_order(con, yi.number)["status"] == "void"
    con.close()
    again = order.issue_orders(db=db, out_dir=tmp / "again", town="北石店镇", issued=ISSUED)
    assert [o.number for o in again.orders] == ["（城区）应急责改〔2023〕3号"]   # the voided number is not reused
    ws = load_workbook(again.register).active
    statuses = {r[0]: r[5] for r in ws.iter_rows(min_row=2, values_only=True)}
    assert statuses[yi.number] == "作废（企业名称写错）"


def test_unknown_enterprise_in_the_ledger_is_a_clear_error(ledger_batch):
    db, tmp, _ = ledger_batch
    with pytest.raises(PaichaError, match="台账中没有企业“不存在的公司”"):
        order.issue_orders(db=db, out_dir=tmp / "x", enterprises=["不存在的公司"], issued=ISSUED)


def test_two_processes_allocating_at_once_get_distinct_consecutive_numbers(tmp_path):
    db = tmp_path / "n.db"
    connect(db).close()
    procs = [subprocess.Popen([sys.executable, "-c", (
        "import sys; sys.path.insert(0, %r)\n"
        "from ledger.db import connect\nfrom ledger.orders import next_serial\n"
        "con = connect(%r)\n"
        "print(' '.join(str(next_serial(con, '晋城市城区应急管理局', '应急责改', 2023)) for _ in range(50)))"
    ) % (str(ROOT), str(db))], stdout=subprocess.PIPE, text=True) for _ in range(2)]
    got = []
    for p in procs:
        out, _ = p.communicate(timeout=120)
        assert p.returncode == 0
        got += [int(x) for x in out.split()]
    assert sorted(got) == list(range(1, 101))
    con = connect(db)
    assert next_serial(con, "晋城市城区应急管理局", "应急责改", 2023) == 101
    assert next_serial(con, "晋城市城区应急管理局", "应急责改", 2024) == 1      # per year
    assert format_number("城区", "应急责改", 2023, 15) == "（城区）应急责改〔2023〕15号"


def _spec(tmp_path, body: str) -> Path:
    p = tmp_path / "spec.yaml"
    p.write_text(body, encoding="utf-8")
    return p


def test_hostile_enterprise_name_and_long_problem_stay_literal(tmp_path):
    name = '某某"精密"<机械>&Co\'厂{{ a.name }}{% if 1 %}'
    long_problem = "车间东侧配电箱未安装漏电保护器" * 34                   # > 500 characters
    assert len(long_problem) > 500
    spec = _spec(tmp_path, yaml.safe_dump({"enterprise": name, "deadline": "2023-03-20",
                                           "items": [long_problem, "=1+1 & <b>"]}, allow_unicode=True))
    result = order.issue_orders(db=None, out_dir=tmp_path / "o", spec=spec, issued=ISSUED)
    assert result.db_created and result.db.name == order.DEFAULT_DB_NAME   # unknown enterprise: created
    path = result.orders[0].path
    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert name + "：" in text                                 # literal, not evaluated
    assert long_problem in text and "=1+1 & <b>" in text
    assert "晋城市城区应急管理局" not in text.split("：")[0]
    con = connect(result.db)
    assert con.execute("SELECT COUNT(*) FROM enterprises WHERE name = ?", (name,)).fetchone()[0] == 1


def test_thirty_problems_get_a_continuation_page(tmp_path):
    items = "".join(f"  - 第{i}处货架未设置安全警示标志，堆放高度超过规定\n" for i in range(1, 31))
    spec = _spec(tmp_path, f"enterprise: 晋城市城区丁物流有限公司\ndeadline: 2023-03-31\nitems:\n{items}")
    result = order.issue_orders(db=None, out_dir=tmp_path / "o", spec=spec, issued=ISSUED)
    o = result.orders[0]
    assert o.continued and o.n_items == 30
    text = doc_text(o.path)
    assert "（此栏不够，可另附页。第" in text and "责令限期整改指令书（附页）" in text
    assert "30．第30处货架" in text and "现责令你单位对上述第1至30项问题于2023年3月31日前" in text
    assert_rendered(o.path)


def test_continuation_keeps_the_first_page_whole_when_printed(tmp_path):
    """Rendered by LibreOffice: page 1 ends with the 一式两份 line; the 附页 follows."""
    import pypdfium2 as pdfium
    items = "".join(f"  - 第{i}号仓库疏散通道堆放杂物\n" for i in range(1, 21))
    spec = _spec(tmp_path, f"enterprise: 晋城市城区戊仓储公司\ndeadline: 2023-03-31\nitems:\n{items}")
    result = order.issue_orders(db=None, out_dir=tmp_path / "o", spec=spec, issued=ISSUED, pdf=True)
    pdf = pdfium.PdfDocument(str(result.pdf))
    try:
        pages = [pdf[i].get_textpage().get_text_range().replace(" ", "") for i in range(len(pdf))]
    finally:
        pdf.close()
    assert len(pages) >= 2
    assert "一式两份" in pages[0] and "（印章）" in pages[0] and "附页" in pages[1]


def test_deadline_already_past_is_a_clear_error(tmp_path):
    spec = _spec(tmp_path, "enterprise: 某公司\ndeadline: 2023-03-01\nitems: [安全出口上锁]\n")
    with pytest.raises(InputError, match="整改期限2023-03-01早于出具日期2023-03-10"):
        order.issue_orders(db=None, out_dir=tmp_path / "o", spec=spec, issued=ISSUED)


def test_spec_basis_override_and_sample_spec(tmp_path):
    result = order.issue_orders(db=None, out_dir=tmp_path / "o", spec=ROOT / "samples/orders/order_spec.yaml")
    o = result.orders[0]
    text = doc_text(o.path)
    assert "2023年3月10日" in text                               # the spec's issued date
    assert "依据：《中华人民共和国安全生产法》第三十条；罚则：第九十七条第（七）项" in text
    assert len(result.records) == 1
    rec = doc_text(result.records[0])
    assert "现场检查记录" in rec and "（城区）应急检记〔2023〕1号" in rec and "生产车间、成品库、配电室" in rec
    assert_rendered(result.records[0])
    con = connect(result.db)                                    # recorded with its order, by the engine
    row = con.execute("SELECT d.kind, d.number, d.file, o.number FROM documents d JOIN orders o ON o.id = d.order_id"
                      ).fetchone()
    con.close()
    assert tuple(row) == ("jiancha", "（城区）应急检记〔2023〕1号", str(result.records[0]), o.number)


def test_hazard_list_xlsx_roundtrip_by_cli(tmp_path):
    blank = tmp_path / "隐患清单.xlsx"
    run = cli("order", "--template", blank)
    assert run.returncode == 0 and blank.exists()
    wb = load_workbook(blank)
    ws = wb.active
    assert [c.value for c in ws[1]] == list(order.HAZARD_COLUMNS)
    rows = [("晋城市城区己化工有限公司", "北石店镇1号", "赵六", "危化品未分类存放", "2023年3月20日", None),
            (None, None, None, "动火作业无监护人", "2023-03-25", None),
            (None, None, None, "员工宿舍设在仓库内", "2023-03-25", "《消防法》第二十八条"),
            ("晋城市城区庚饭店", "", "", "厨房排油烟管道未清洗", "2023-03-30", "无")]
    for r, row in enumerate(rows, 2):
        for c, v in enumerate(row, 1):
            if v is not None:
                write(ws, r, c, v)
    wb.save(blank)
    db = tmp_path / "t.db"
    out = tmp_path / "o"
    run = cli("order", "--hazards", blank, "--db", db, "-o", out, "--date", "2023-03-12", "--by", "王五")
    assert run.returncode == 0, run.stderr
    assert "共出具责令限期整改指令书 2 份" in run.stdout
    files = sorted(out.glob("*_责令限期整改指令书.docx"))
    assert len(files) == 2
    text = doc_text(next(f for f in files if "己化工" in f.name))
    assert "依据：《中华人民共和国安全生产法》第三十九条" in text
    assert "依据：《消防法》第二十八条" in text                 # the inspector's basis wins
    assert "现责令你单位对上述第2、3项问题于2023年3月25日前" in text
    assert "依据：____" in doc_text(next(f for f in files if "庚饭店" in f.name))
    # a bad date in the list names the file and row; the list's other order is issued already
    ws.cell(row=2, column=5).value = "下周"
    wb.save(blank)
    run = cli("order", "--hazards", blank, "--db", db, "-o", out, "--date", "2023-03-12")
    assert run.returncode == 2 and "未出具（晋城市城区己化工有限公司）" in run.stderr
    assert "第2行" in run.stderr and "下周" in run.stderr
    assert "未出具（晋城市城区庚饭店）：与已出具的（城区）应急责改〔2023〕2号内容相同，不重复出具" in run.stderr


def test_one_bad_enterprise_is_left_out_and_the_others_issued_on_every_route(tmp_path):
    """Ledger, hazard list and spec: the bad enterprise is named, the others get their orders."""
    db = tmp_path / "t.db"
    con = connect(db)
    add_hazard(con, "晋城市城区甲建材有限公司", "成品库安全出口上锁", "2023-03-20")
    add_hazard(con, "晋城市城区壬纸箱厂", "仓库电气线路私拉乱接", "2023-03-01")        # before the issue date
    con.close()
    got = order.issue_orders(db=db, out_dir=tmp_path / "ledger", issued=ISSUED)
    assert [o.enterprise for o in got.orders] == ["晋城市城区甲建材有限公司"]
    assert got.skipped == ["未出具（晋城市城区壬纸箱厂）：台账隐患 2（晋城市城区壬纸箱厂）："
                           "整改期限2023-03-01早于出具日期2023-03-10，请改为今后的日期"]

    hazards = order.write_hazard_template(tmp_path / "清单.xlsx")
    wb = load_workbook(hazards)
    for r, row in enumerate([("晋城市城区癸饭店", "", "", "后厨燃气未装报警器", "2023-03-02"),
                             (None, None, None, "灭火器过期", "2023-03-30"),
                             ("晋城市城区子五金店", "", "", "疏散通道堆放货物", "2023-03-30"),
                             (None, None, None, "", "2023-03-30")], 2):         # no problem text
        for c, v in enumerate(row, 1):
            if v is not None:
                write(wb.active, r, c, v)
    write(wb.active, 6, 1, "晋城市城区丑服装厂")
    write(wb.active, 6, 4, "配电箱无防护门")
    write(wb.active, 6, 5, "2023-03-30")
    wb.save(hazards)
    got = order.issue_orders(db=db, out_dir=tmp_path / "list", hazards_xlsx=hazards, issued=ISSUED)
    assert [o.enterprise for o in got.orders] == ["晋城市城区丑服装厂"]
    assert got.skipped[0].startswith("未出具（晋城市城区癸饭店）：") and "第2行：整改期限2023-03-02早于" in got.skipped[0]
    assert got.skipped[1].startswith("未出具（晋城市城区子五金店）：") and "第5行：问题描述为空" in got.skipped[1]

    spec = _spec(tmp_path, yaml.safe_dump({"orders": [
        {"enterprise": "晋城市城区寅酒店", "deadline": "2023-03-05", "items": ["厨房排烟道油污"]},
        {"enterprise": "晋城市城区卯超市", "items": ["安全出口指示灯损坏"]},
        {"enterprise": "晋城市城区辰加油站", "deadline": "2023-03-31", "items": ["卸油区静电接地损坏"]}]},
        allow_unicode=True))
    got = order.issue_orders(db=db, out_dir=tmp_path / "spec", spec=spec, issued=ISSUED)
    assert [o.enterprise for o in got.orders] == ["晋城市城区辰加油站"]
    assert [line.split("：")[0] for line in got.skipped] == ["未出具（晋城市城区寅酒店）", "未出具（晋城市城区卯超市）"]
    assert "缺少整改期限" in got.skipped[1]
    assert [o.number for o in got.orders] == ["（城区）应急责改〔2023〕3号"]       # numbers go on without gaps


def test_a_hazard_without_its_enterprise_is_named_and_the_others_issued(tmp_path):
    """A register row left without its 被检查单位 must not stop the whole run (it stopped the printing)."""
    db = tmp_path / "t.db"
    con = connect(db)
    add_hazard(con, "", "配电室未配备绝缘垫", "2023-03-30")
    add_hazard(con, "  ", "消防通道堵塞", "2023-03-30")
    add_hazard(con, "晋城市城区己化工有限公司", "储罐区未设置可燃气体报警", "2023-03-30")
    con.close()
    got = order.issue_orders(db=db, out_dir=tmp_path / "o", issued=ISSUED)
    assert [o.enterprise for o in got.orders] == ["晋城市城区己化工有限公司"]
    assert got.skipped == ["未出具：2项隐患在台账中没有被检查单位（隐患 1、2），请在台账中补上单位名称后再出具"]
    assert all(p.is_file() for p in [got.merged] + [o.path for o in got.orders])


def test_a_failed_printing_keeps_the_numbers_and_the_next_run_finishes_it(tmp_path, monkeypatch):
    db = tmp_path / "t.db"
    con = connect(db)
    for name in ("晋城市城区甲建材有限公司", "晋城市城区乙机械厂", "晋城市城区丙商贸公司"):
        add_hazard(con, name, "安全出口上锁", "2023-03-20")
    con.close()
    save = order.PreparedTemplate.save
    calls = []

    def full_disk_at_second(self, xml, out):
        calls.append(out)
        if len(calls) == 2:
            raise OSError("磁盘已满")
        return save(self, xml, out)

    monkeypatch.setattr(order.PreparedTemplate, "save", full_disk_at_second)
    with pytest.raises(PaichaError, match="文书生成失败（磁盘已满）.*再次运行 cli.py order") as e:
        order.issue_orders(db=db, out_dir=tmp_path / "o", issued=ISSUED)
    assert e.value.code == "print_failed"
    monkeypatch.undo()
    con = connect(db)
    assert [r[0] for r in con.execute("SELECT status FROM orders WHERE printed_at IS NULL")] == ["issued"] * 3
    con.close()
    got = order.issue_orders(db=db, out_dir=tmp_path / "o", unprinted_only=True)
    assert [(o.number, o.verb) for o in got.orders] == [(f"（城区）应急责改〔2023〕{n}号", "补出") for n in (1, 2, 3)]
    assert len(list((tmp_path / "o").glob("*_责令限期整改指令书.docx"))) == 3
    assert not list(tmp_path.glob("*-run-*.lock"))


def test_a_document_is_replaced_whole_or_not_at_all(tmp_path, monkeypatch):
    spec = _spec(tmp_path, "enterprise: 某公司\ndeadline: 2023-03-20\nitems: [安全出口上锁]\n")
    path = order.issue_orders(db=None, out_dir=tmp_path / "o", spec=spec, issued=ISSUED).orders[0].path
    before = path.read_bytes()
    template = order.prepared(order.ORDER_TEMPLATE)
    writestr = zipfile.ZipFile.writestr

    def fail_midway(self, name, data, *a, **k):
        if name == "word/document.xml":
            raise OSError("磁盘已满")
        return writestr(self, name, data, *a, **k)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", fail_midway)
    with pytest.raises(OSError):
        template.save(doc_xml(path).replace("安全出口上锁", "别的内容"), path)
    assert path.read_bytes() == before and not list(path.parent.glob(".~*"))
