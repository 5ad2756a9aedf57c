"""A benchmark corpus of filled returns: N .docx and M .xlsx forms, each file different.

A handful of base forms are drawn once with generators.forms (the same code that
draws the official 附件), then copied with one name changed inside the XML (a
different enterprise or reporting unit per file), which takes a millisecond per
copy. Every copy is a valid, distinct return (its own sha256, its own subject).

    .venv/bin/python bench/make_corpus.py OUTDIR --docx 1000 --xlsx 1000
"""
from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ENTERPRISE = "宏达化工有限公司"     # the text varied in each copy
UNIT = "北石店镇人民政府"

# (form type, file suffix, data, header): one base file each
BASES = [
    ("supervision_check", ".docx", {
        "enterprise": "长治市" + ENTERPRISE, "check_date": "2023-03-09", "inspectors": ["王强", "李明"],
        "content": "安全生产责任制落实、消防设施、用电安全",
        "problems": ["消防通道堵塞", "配电箱未接地", "灭火器过期未检"],
        "measures": ["立即清理通道", "加装接地线", "更换灭火器"],
        "deadline": "2023-03-31", "responsible": "张三", "recheck_by": ["赵六"], "recheck_date": "2023-04-02",
        "rectification": "已整改", "recheck_result": "合格"},
     {"reporting_unit": UNIT, "fill_date": "2023-03-10"}),
    ("enterprise_register", ".docx", {
        "name": "长治市" + ENTERPRISE, "registration_no": "91140400MA0K1234XY", "registered_capital_wan": 500,
        "founded": "2015-06-01", "town": "北石店镇", "address": "北石店镇工业园区8号", "office_phone": "0355-2286336",
        "principal": {"name": "刘建国", "mobile": "13513583104"},
        "safety_principal": {"name": "陈立", "mobile": "13934561234"}, "industry": "危险化学品",
        "regulator": "区应急管理局", "economic_type": "有限责任公司", "scale": "小型", "employees": 56,
        "formal_employees": 40, "temporary_workers": 16, "trained_workers": 56, "injury_insured": 56,
        "safety_managers": 3, "has_major_hazard_source": False, "has_illegal_activity": False},
     {"reporting_unit": UNIT, "fill_date": "2023-03-05"}),
    ("campaign_stats", ".xlsx", {
        "rows": [{"unit": "第一检查组（" + ENTERPRISE + "）", "inspection_groups": 1, "general_hazards_found": 12,
                  "general_hazards_fixed": 9, "major_hazards_found": 1, "major_hazards_fixed": 0,
                  "fines_wan": 1.5, "suspended": 1},
                 {"unit": "第二检查组", "inspection_groups": 1, "general_hazards_found": 7,
                  "general_hazards_fixed": 7}]},
     {"reporting_unit": UNIT, "fill_date": "2023-03-24"}),
    ("major_hazard_list", ".xlsx", {
        "rows": [{"seq": 1, "enterprise": "长治市" + ENTERPRISE, "checking_unit": "北石店镇", "town": "北石店镇",
                  "category": "危险化学品", "description": "重大危险源未设置视频监控", "action": "责令限期整改"},
                 {"seq": 2, "enterprise": "东沟村砖厂", "checking_unit": "北石店镇", "town": "北石店镇",
                  "category": "建材", "description": "无证生产", "action": "关闭取缔"}]},
     {"reporting_unit": UNIT, "fill_date": "2023-03-20"}),
]


def draw_bases(workdir: Path) -> dict[str, list[Path]]:
    """The base files, by suffix."""
    from generators.forms import draw_form
    workdir.mkdir(parents=True, exist_ok=True)
    out: dict[str, list[Path]] = {".docx": [], ".xlsx": []}
    for form_type, suffix, data, header in BASES:
        out[suffix].append(draw_form(form_type, workdir / f"base-{form_type}{suffix}", data, header))
    return out


def _renames(n: int) -> list[tuple[bytes, bytes]]:
    """The enterprise and the reporting unit made unique (number n), as UTF-8 and as XML character references."""
    pairs = [(ENTERPRISE, f"{ENTERPRISE[:2]}{n:05d}{ENTERPRISE[2:]}"), (UNIT, f"北石店{n:05d}镇人民政府")]
    out = []
    for old, new in pairs:
        out.append((old.encode(), new.encode()))
        out.append((_charrefs(old), _charrefs(new)))
    return out


def _charrefs(text: str) -> bytes:
    return "".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in text).encode()


def variant(base: Path, out: Path, n: int) -> Path:
    """A copy of `base` with its names made unique in every XML part."""
    renames = _renames(n)
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith(".xml"):
                for old, new in renames:
                    data = data.replace(old, new)
            zout.writestr(item, data)
    return out


def make_corpus(outdir: Path, n_docx: int, n_xlsx: int) -> tuple[list[Path], list[Path]]:
    """outdir/docx/*.docx and outdir/xlsx/*.xlsx, numbered copies of the base forms."""
    bases = draw_bases(outdir / "bases")
    made: dict[str, list[Path]] = {}
    for suffix, n in ((".docx", n_docx), (".xlsx", n_xlsx)):
        target = outdir / suffix[1:]
        target.mkdir(parents=True, exist_ok=True)
        files = []
        for i in range(n):
            base = bases[suffix][i % len(bases[suffix])]
            files.append(variant(base, target / f"{i:05d}-{base.stem[5:]}{suffix}", i))
        made[suffix] = files
    return made[".docx"], made[".xlsx"]


def main() -> None:
    ap = argparse.ArgumentParser(description="生成基准测试用的回执文件")
    ap.add_argument("outdir")
    ap.add_argument("--docx", type=int, default=1000)
    ap.add_argument("--xlsx", type=int, default=1000)
    a = ap.parse_args()
    docx, xlsx = make_corpus(Path(a.outdir), a.docx, a.xlsx)
    print(f"已生成 {len(docx)} 个 .docx、{len(xlsx)} 个 .xlsx：{a.outdir}")


if __name__ == "__main__":
    main()
