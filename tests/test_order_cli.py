"""cli.py order / hazard for issue 15: officers typed on the command line, a bad enterprise of a hazard list
named and left out while the others are issued, and a 依据 suggested for any text without a ledger."""
import zipfile

from openpyxl import load_workbook

from clirun import run as cli
from generators import order
from generators.excel import write
from services import hazards


def _xml(path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def test_hazard_list_with_a_bad_enterprise_issues_the_others_and_names_it(tmp_path):
    listing = tmp_path / "清单.xlsx"
    assert cli("order", "--template", listing).returncode == 0
    wb = load_workbook(listing)
    rows = [("晋城市城区甲建材有限公司", "", "", "成品库安全出口上锁", "2023-03-20"),
            ("晋城市城区乙纸箱厂", "", "", "仓库电气线路私拉乱接", "2023-03-01"),     # before the issue date
            (None, None, None, "灭火器过期", "2023-03-30"),
            ("晋城市城区丙机械厂", "", "", "砂轮机防护罩缺失", "2023-03-25")]
    for r, row in enumerate(rows, 2):
        for c, v in enumerate(row, 1):
            if v:
                write(wb.active, r, c, v)
    wb.save(listing)
    run = cli("order", "--hazards", listing, "-o", tmp_path / "o", "--date", "2023-03-10",
              "--officer", "张三:14050001", "--officer", "李四：14050002")
    assert run.returncode == 0, run.stderr
    assert "共出具责令限期整改指令书 2 份" in run.stdout
    assert "未出具（晋城市城区乙纸箱厂）：" in run.stdout and "整改期限2023-03-01早于出具日期2023-03-10" in run.stdout
    files = sorted((tmp_path / "o").glob("*_责令限期整改指令书.docx"))
    assert len(files) == 2 and not any("乙纸箱厂" in f.name for f in files)
    for f in files:
        xml = _xml(f)
        assert "张三" in xml and "14050001" in xml and "李四" in xml and "14050002" in xml


def test_officer_number_without_a_name_is_refused(tmp_path):
    run = cli("order", "--spec", tmp_path / "x.yaml", "-o", tmp_path / "o", "--officer", ":14050001")
    assert run.returncode != 0 and "14050001" in run.stderr and "姓名" in run.stderr


def test_basis_suggested_for_any_text_without_a_ledger():
    run = cli("hazard", "basis", "--text", "电焊工无证上岗作业")
    assert run.returncode == 0
    assert run.stdout.strip() == "建议：依据：《中华人民共和国安全生产法》第三十条；罚则：第九十七条第（七）项（特种作业人员持证上岗）"
    run = cli("hazard", "basis", "--text", "厂区道路坑洼不平")
    assert run.returncode == 0 and run.stdout.startswith("无可靠依据：指令书上将印“依据：____")
    run = cli("hazard", "basis", "3", "--text", "无")             # setting a hazard's basis still needs the ledger
    assert run.returncode != 0 and "--db" in run.stderr
    got = hazards.suggest_basis("配电箱无漏电保护器")                # the service the web calls
    assert (got.source, got.rule, got.topic) == ("auto", "safety_equipment", "安全设备的设置与维护")
    assert hazards.suggest_basis("").source == "blank"


def test_blank_hazard_list_explains_the_officer_columns(tmp_path):
    wb = load_workbook(order.write_hazard_template(tmp_path / "清单.xlsx"))
    notes = " ".join(str(c.value) for c in wb["填写说明"]["A"])
    assert "执法人员" in notes and "执法证号" in notes
