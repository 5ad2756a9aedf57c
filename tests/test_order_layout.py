"""责令限期整改指令书 on paper: the inspectors' names and 证号 from every input route, and the main form
measured on LibreOffice's render — one page, filled before anything goes to the 附页, a long problem on
the 附页, an item never parted from its 依据."""
import re
import zipfile
from pathlib import Path

import pdfplumber
import pytest
import yaml
from openpyxl import load_workbook

from conftest import ROOT
from generators import documents, order
from generators.excel import write
from generators.office import convert
from ledger.db import connect
from ledger.orders import OrderDraft, OrderItem

ISSUED = "2023-03-10"
ANNEX_TITLE = "责令限期整改指令书（附页）"
SCREENS = ROOT / "out" / "screens" / "print"
RULE = documents.load_kind("zhiling").one_page
BASIS = "依据：《中华人民共和国安全生产法》第三十五条；罚则：第九十九条第（一）项"


def doc_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    paras = re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S)
    return "\n".join("".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", p)) for p in paras)


def signature_rows(path: Path) -> list[str]:
    """The officer rows of the signature table(s): label, name, 证号：, number — one line each."""
    from docx import Document
    rows = []
    for t in Document(str(path)).tables:
        for r in t.rows:
            cells = [c.text for c in r.cells]
            if cells[0].startswith("安全生产监管行政执法人员"):
                rows.append("|".join(cells))
    return rows


def _config(tmp_path: Path, **extra) -> Path:
    path = tmp_path / "机关.yaml"
    path.write_text(yaml.safe_dump(extra, allow_unicode=True), encoding="utf-8")
    return path


# --- inspectors and 证号 ------------------------------------------------------------------------------

def test_hazard_list_officer_columns_with_header_variants(tmp_path):
    """One enterprise with 执法人员 / 执法证号 listing both, one with 检查人员1/证号1, 检查人员2/证号2 headers."""
    listing = tmp_path / "清单.xlsx"
    order.write_hazard_template(listing)
    wb = load_workbook(listing)
    ws = wb.active
    assert [c.value for c in ws[1]][-2:] == ["执法人员", "执法证号"]
    rows = [("晋城市城区甲建材有限公司", "", "", "成品库安全出口上锁", "2023-03-20", None, "张三、李四", "14050001、14050002"),
            (None, None, None, "电焊工无证上岗作业", "2023-03-20", None, None, None)]
    for r, row in enumerate(rows, 2):
        for c, v in enumerate(row, 1):
            if v is not None:
                write(ws, r, c, v)
    wb.save(listing)
    got = order.issue_orders(db=None, out_dir=tmp_path / "a", hazards_xlsx=listing, issued=ISSUED)
    assert signature_rows(got.orders[0].path) == [
        "安全生产监管行政执法人员（签名）：|张三|证号：|14050001", "安全生产监管行政执法人员（签名）：|李四|证号：|14050002"]

    other = tmp_path / "别人的清单.xlsx"
    from openpyxl import Workbook
    wb = Workbook()
    heads = ["序号", "企业名称", "问题描述", "整改期限", "检查人员1", "证号1", "检查人员（2）", "执法证件号（2）"]
    for c, h in enumerate(heads, 1):
        write(wb.active, 1, c, h)
    for c, v in enumerate([1, "晋城市城区乙机械厂", "砂轮机防护罩缺失", "2023-03-25", "王五", "A-1405-0003", "赵六",
                           "14050004"], 1):
        write(wb.active, 2, c, v)
    wb.save(other)
    got = order.issue_orders(db=tmp_path / "a" / order.DEFAULT_DB_NAME, out_dir=tmp_path / "b", hazards_xlsx=other,
                             issued=ISSUED)
    rows = signature_rows(got.orders[0].path)
    assert rows[0].endswith("|王五|证号：|A-1405-0003") and rows[1].endswith("|赵六|证号：|14050004")


def test_hazard_list_with_a_number_but_no_name_leaves_that_enterprise_out(tmp_path):
    listing = tmp_path / "清单.xlsx"
    order.write_hazard_template(listing)
    wb = load_workbook(listing)
    for r, row in enumerate([("晋城市城区丙商贸公司", "", "", "未制定应急预案", "2023-03-25", None, "", "14050009"),
                             ("晋城市城区丁物流公司", "", "", "叉车通道未划线", "2023-03-25", None, "张三", "")], 2):
        for c, v in enumerate(row, 1):
            if v:
                write(wb.active, r, c, v)
    wb.save(listing)
    got = order.issue_orders(db=None, out_dir=tmp_path / "o", hazards_xlsx=listing, issued=ISSUED,
                             config=_config(tmp_path, roster=[{"name": "张三", "cert_no": "14059999"}]))
    assert [o.enterprise for o in got.orders] == ["晋城市城区丁物流公司"]
    assert got.skipped[0].startswith("未出具（晋城市城区丙商贸公司）：") and "14050009" in got.skipped[0]
    assert "张三|证号：|14059999" in signature_rows(got.orders[0].path)[0]      # the roster's 证号


def test_spec_officers_and_authority_defaults_and_reprint_keeps_them(tmp_path):
    spec = tmp_path / "指令书.yaml"
    spec.write_text(yaml.safe_dump({
        "officers": [{"name": "孙七", "cert_no": "14050007"}, "周八（证号：14050008）"],
        "orders": [{"enterprise": "晋城市城区戊仓储公司", "deadline": "2023-03-31", "items": ["疏散通道堆放杂物"]},
                   {"enterprise": "晋城市城区己饭店", "deadline": "2023-03-31", "items": ["后厨液化气瓶未固定"],
                    "inspectors": "吴九 14050019"}]}, allow_unicode=True), encoding="utf-8")
    got = order.issue_orders(db=None, out_dir=tmp_path / "o", spec=spec, issued=ISSUED)
    first, second = (signature_rows(o.path) for o in got.orders)
    assert first == ["安全生产监管行政执法人员（签名）：|孙七|证号：|14050007",
                     "安全生产监管行政执法人员（签名）：|周八|证号：|14050008"]
    assert second[0].endswith("|吴九|证号：|14050019") and second[1].endswith("||证号：|")   # one officer given

    # nothing typed: the authority file's defaults
    config = _config(tmp_path, officers=[{"name": "郑十", "cert_no": "14050010"}, {"name": "王甲", "cert_no": "14050011"}])
    plain = tmp_path / "无人员.yaml"
    plain.write_text("enterprise: 晋城市城区庚五金店\ndeadline: 2023-03-31\nitems: [配电箱无漏电保护器]\n", encoding="utf-8")
    got2 = order.issue_orders(db=got.db, out_dir=tmp_path / "o2", spec=plain, issued=ISSUED, config=config)
    assert signature_rows(got2.orders[0].path) == ["安全生产监管行政执法人员（签名）：|郑十|证号：|14050010",
                                                   "安全生产监管行政执法人员（签名）：|王甲|证号：|14050011"]
    # a reprint, under another authority file, prints the officers stored with each order
    again = order.reprint_orders(got.db, tmp_path / "r", [got.orders[0].number, got2.orders[0].number])
    assert [signature_rows(o.path)[0].split("|")[1:] for o in again.orders] == [["孙七", "证号：", "14050007"],
                                                                                ["郑十", "证号：", "14050010"]]
    # officers typed for a reprint replace them
    again = order.reprint_orders(got.db, tmp_path / "r2", [got.orders[0].number],
                                 officers=[{"name": "钱乙", "cert_no": "14050012"}])
    assert signature_rows(again.orders[0].path)[0].endswith("|钱乙|证号：|14050012")


def test_ledger_route_takes_the_inspectors_of_the_supervision_check(tmp_path):
    """A parsed 督导检查表's 检查人员 sign its order; their 证号 come from the authority file's roster."""
    from generators.forms import draw_form
    from parsers.pipeline import parse

    returns = tmp_path / "returns"
    returns.mkdir()
    data = {"enterprise": "晋城市城区辛建材有限公司", "check_date": "2023-03-05", "inspectors": ["李志刚", "王芳", "郭晓东"],
            "content": "安全生产大排查", "problems": ["成品库安全出口上锁", "车间积尘未及时清扫"],
            "measures": ["立即开锁", "清扫"], "deadline": "2023-03-20", "responsible": "王五", "recheck_by": None,
            "recheck_date": None, "rectification": None, "recheck_result": None}
    draw_form("supervision_check", returns / "督导检查表.docx", data,
              {"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-05"})
    db = tmp_path / "台账.db"
    parse([returns], db=db, progress=False)
    config = _config(tmp_path, roster=[{"name": "李志刚", "cert_no": "14050101"}, {"name": "王芳", "cert_no": "14050102"}])
    got = order.issue_orders(db=db, out_dir=tmp_path / "o", issued=ISSUED, config=config)
    assert signature_rows(got.orders[0].path) == ["安全生产监管行政执法人员（签名）：|李志刚|证号：|14050101",
                                                  "安全生产监管行政执法人员（签名）：|王芳|证号：|14050102"]
    con = connect(db)
    stored = con.execute("SELECT officers FROM orders").fetchone()[0]
    con.close()
    assert "14050102" in stored


# --- the main form on paper ---------------------------------------------------------------------------

SIGNERS = [{"name": "张建国", "cert_no": "14050001"}, {"name": "李晓燕", "cert_no": "14050002"}]
LONG_OFFICERS = [{"name": "阿卜杜热合曼·买买提", "cert_no": "14050020230001"},
                 {"name": "欧阳明华", "cert_no": "A14050020230002X"}]


def _draft(texts: list[str], officers: list[dict] | None = None) -> OrderDraft:
    items = [OrderItem(t, "2023-03-20", BASIS, "auto") for t in texts]
    return OrderDraft("晋城市城区某某建材有限公司", items, number="（城区）应急责改〔2023〕1号", serial=1, issued=ISSUED,
                      officers=officers or [])


def _forced(o: dict, k: int) -> dict:
    """The context with exactly the first k items on the main page."""
    every = o["problems"] + o["cont_items"]
    rest = every[k:]
    return {**o, "problems": every[:k], "cont_items": rest, "continued": bool(rest), "cont_range": documents._range(rest)}


def _measure(pdf: Path) -> dict:
    """Pages of the main form, page texts (one line per text line), and the room left under page 1's footer."""
    with pdfplumber.open(pdf) as doc:
        pages = [p.extract_text() or "" for p in doc.pages]
        first = doc.pages[0]
        foot = [c for c in first.chars if c["text"] == "本"]
        bottom = first.height - 2.2 / 2.54 * 72
        room = bottom - (foot[-1]["bottom"] + 3) if foot else None
    main = next((i for i, t in enumerate(pages) if ANNEX_TITLE in t.replace(" ", "")), len(pages))
    return {"main": main, "pages": pages, "room": room}


CASES = {
    "short": ["配电箱无漏电保护器", "安全出口上锁", "电焊工无证上岗"],
    "long_list": [f"第{i}号仓库疏散通道堆放杂物，货架未设置安全警示标志" for i in range(1, 31)],
    "mixed": ["配电箱无漏电保护器", "车间东侧配电箱未安装漏电保护器，" * 20 + "存在触电风险"]
             + [f"第{i}处货架堆放高度超过规定，未设置防倾倒措施，通道宽度不足，叉车作业区域与人行通道未分隔，"
                f"夜间照明不足，DN50 管道穿墙处未封堵" for i in range(1, 9)],
    "one_long": ["车间东侧配电箱未安装漏电保护器，" * 31 + "存在触电风险，整改前不得使用"],
    "long_names": [f"第{i}号仓库疏散通道堆放杂物" for i in range(1, 31)],      # signed by LONG_OFFICERS
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Each case as fitted, and with one more item forced onto the main page; one LibreOffice run."""
    tmp = tmp_path_factory.mktemp("layout")
    cfg = documents.load_authority()
    template = documents.load_kind("zhiling").prepared()
    docs, fitted = {}, {}
    for name, texts in CASES.items():
        officers = {"long_names": LONG_OFFICERS, "long_list": SIGNERS}.get(name)
        o = order.order_context(_draft(texts, officers), cfg, ISSUED)
        fitted[name] = o
        docs[(name, "fit")] = template.render({"a": documents.authority_context(cfg), "o": o}, tmp / f"{name}-fit.docx")
        if o["continued"]:
            more = _forced(o, len(o["problems"]) + 1)
            docs[(name, "more")] = template.render({"a": documents.authority_context(cfg), "o": more},
                                                   tmp / f"{name}-more.docx")
    pdfs = convert(list(docs.values()), "pdf", tmp)
    return {key: _measure(pdfs[path]) for key, path in docs.items()}, fitted, {k: pdfs[p] for k, p in docs.items()}


@pytest.mark.parametrize("case", list(CASES))
def test_main_form_is_one_page_and_filled_before_the_annex(rendered, case):
    measured, fitted, _ = rendered
    o, fit = fitted[case], measured[(case, "fit")]
    assert fit["main"] == 1, f"{case}: main form on {fit['main']} pages"
    assert "本文书一式两份" in fit["pages"][0].replace(" ", "")
    if not o["continued"]:
        assert len(fit["pages"]) == 1 and fit["room"] >= RULE["slack_pt"]
        return
    more = measured[(case, "more")]
    # one more item on the main page pushes it onto a second page, or would leave less than the margin kept
    assert more["main"] > 1 or more["room"] < RULE["slack_pt"], (case, len(o["problems"]), more["room"])


def test_what_goes_where(rendered):
    _, fitted, _ = rendered
    assert not fitted["short"]["continued"] and len(fitted["short"]["problems"]) == 3
    assert 4 <= len(fitted["long_list"]["problems"]) < 30                 # the page is filled, not 2 or 3
    mixed = fitted["mixed"]
    assert [it["no"] for it in mixed["problems"]] == [1] and mixed["cont_range"] == "2至10"
    assert fitted["one_long"]["problems"] == [] and fitted["one_long"]["cont_range"] == "1"   # 500 字: 附页
    assert len(CASES["one_long"][0]) >= 500
    # names and 证号 too long for their cells take lines from the problems
    assert len(fitted["long_names"]["problems"]) < len(order.order_context(
        _draft(CASES["long_names"]), documents.load_authority(), ISSUED)["problems"])


def test_no_item_is_parted_from_its_basis(rendered):
    """On every page after the main form, the first line of text is a heading, an item's first line or the
    signatures — never a 依据 line or the middle of an item."""
    measured, _, _ = rendered
    for (case, variant), m in measured.items():
        for n, page in enumerate(m["pages"][m["main"]:], m["main"] + 1):
            first = page.strip().splitlines()[0].replace(" ", "") if page.strip() else ""
            assert not first.startswith("依据"), (case, variant, n, first)
            ok = first.startswith((ANNEX_TITLE, "安全生产监管行政执法人员", "被检查单位")) or re.match(r"^\d+．", first)
            assert ok, (case, variant, n, first)


def test_height_model_agrees_with_the_render(rendered):
    """The room left on page 1 as LibreOffice lays it out is within 6 pt of what the model says, for the
    orders whose main page holds its footer (measured where it is)."""
    measured, fitted, _ = rendered
    cfg = documents.load_authority()
    checked = 0
    for (case, variant), m in measured.items():
        if variant != "fit":
            continue
        o = fitted[case]
        used = RULE["fixed_pt"] + documents.flows_pt(o, RULE, cfg) + documents.note_pt(o["cont_items"], RULE) \
            + sum(documents.item_pt(it, o, RULE) for it in o["problems"])
        assert abs((RULE["page_pt"] - used) - m["room"]) <= 6, (case, RULE["page_pt"] - used, m["room"])
        checked += 1
    assert checked == len(CASES)


def test_line_count_from_advance_widths():
    width = RULE["width_pt"] / 12                              # 37.3 em of 小四
    em = RULE["ascii_em"]
    assert documents.line_count("字" * 37, width, 0, em) == 1
    assert documents.line_count("字" * 38, width, 0, em) == 2
    assert documents.line_count("字" * 36, width, 2, em) == 2   # the first line is indented two characters
    assert documents.line_count("字" * 36 + "，", width, 0, em) == 1
    assert documents.line_count("字" * 37 + "。", width, 0, em) == 2   # a 。 never starts a line: it takes its character down
    assert documents.line_count("1" * 40, width, 0, em) == 1          # digits are narrower than 1 em
    assert documents.line_count("字" * 40, width, 0, em) == 2
    assert documents.line_count("字" * 35 + " DN150x", width, 0, em) == 2   # a word is not broken: it goes down whole
    assert documents.line_count("", width, 2, em) == 1


def test_print_an_order_with_an_annex_to_png(rendered):
    """The 'long_list' order (30 problems: the main page filled, the rest on the 附页, signed by two officers
    with their 证号) rendered and saved to look at."""
    import pypdfium2 as pdfium
    _, _, pdfs = rendered
    SCREENS.mkdir(parents=True, exist_ok=True)
    for old in SCREENS.glob("order_with_annex-*.png"):
        old.unlink()
    doc = pdfium.PdfDocument(str(pdfs[("long_list", "fit")]))
    try:
        saved = []
        for n in range(len(doc)):
            out = SCREENS / f"order_with_annex-{n + 1}.png"
            doc[n].render(scale=60 / 72).to_pil().save(out)
            saved.append(out)
    finally:
        doc.close()
    assert len(saved) >= 2 and all(p.stat().st_size > 5000 for p in saved)


# --- the companion documents: the same rule, measured the same way -------------------------------------

COMPANIONS = {
    "fucha": lambda items: {
        "enterprise": "晋城市城区某某建材有限公司", "order_number": "（城区）应急责改〔2023〕1号", "order_issued": ISSUED,
        "issued": "2023-03-25", "failed": "2、5", "number": "（城区）应急复查〔2023〕1号",
        "problems": [{"text": t, "result": "未整改" if n in (2, 5) else "已整改"} for n, t in enumerate(items, 1)]},
    "jiancha": lambda items: {
        "enterprise": "晋城市城区某某建材有限公司", "address": "晋城市城区北石店镇工业园区8号院内东侧第三排厂房二楼",
        "principal": "王建军", "title": "总经理", "phone": "0356-2286336", "place": "生产车间、成品库、配电室、危化品仓库、食堂",
        "time": "2023年3月10日9时30分至3月10日11时00分", "issued": ISSUED, "number": "（城区）应急检记〔2023〕1号",
        "problems": items},
    "xianjue": lambda items: {
        "enterprise": "晋城市城区某某建材有限公司", "address": "北石店镇工业园区8号", "principal": "王建军", "title": "总经理",
        "phone": "0356-2286336", "issued": ISSUED, "number": "（城区）应急现决〔2023〕1号", "problems": items,
        "measures": ["撤出人员", "暂时停产停业", "停止使用设施设备"]},
}
COMPANION_ITEMS = {
    "short": ["配电箱无漏电保护器", "安全出口上锁"],
    "long_list": [f"第{i}号仓库疏散通道堆放杂物，货架未设置安全警示标志，堆放高度超过规定" for i in range(1, 26)],
}


@pytest.fixture(scope="module")
def companions(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("companions")
    cfg = documents.load_authority()
    docs, fitted = {}, {}
    for key, given in COMPANIONS.items():
        kind = documents.load_kind(key)
        for case, items in COMPANION_ITEMS.items():
            o = documents.context_of(kind, given(items), cfg)
            fitted[(key, case)] = o
            variants = {"fit": o}
            if o["continued"]:
                variants["more"] = _forced(o, len(o["problems"]) + 1)
            for variant, ctx in variants.items():
                docs[(key, case, variant)] = kind.prepared().render({"a": documents.authority_context(cfg), "o": ctx},
                                                                    tmp / f"{key}-{case}-{variant}.docx")
    pdfs = convert(list(docs.values()), "pdf", tmp)
    return {k: _measure(pdfs[p]) for k, p in docs.items()}, fitted


@pytest.mark.parametrize("key", list(COMPANIONS))
def test_companion_documents_keep_one_filled_main_page(companions, key):
    measured, fitted = companions
    rule = documents.load_kind(key).one_page
    cfg = documents.load_authority()
    name = documents.load_kind(key).name
    for case in COMPANION_ITEMS:
        o, fit = fitted[(key, case)], measured[(key, case, "fit")]
        annex = next((i for i, t in enumerate(fit["pages"]) if f"{name}（附页）" in t.replace(" ", "")), len(fit["pages"]))
        assert annex == 1 and "一式两份" in fit["pages"][0].replace(" ", ""), (key, case)
        used = rule["fixed_pt"] + documents.flows_pt(o, rule, cfg) + documents.note_pt(o["cont_items"], rule) \
            + sum(documents.item_pt(it, o, rule) for it in o["problems"])
        assert abs((rule["page_pt"] - used) - fit["room"]) <= 6, (key, case, rule["page_pt"] - used, fit["room"])
        assert o["continued"] == (case == "long_list")
        if o["continued"]:
            more = measured[(key, case, "more")]
            pages = [t.replace(" ", "") for t in more["pages"]]
            annex = next((i for i, t in enumerate(pages) if f"{name}（附页）" in t), len(pages))
            assert annex > 1 or more["room"] < rule["slack_pt"], (key, case, more["room"])
