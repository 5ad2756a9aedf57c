#!/usr/bin/env python3
"""Make the sample returns: every form filled from samples/data/*.yaml, as towns send them.

Writes samples/returns/<unit>/<form>.docx|.xlsx, format copies (.doc .xls .wps .et, made
in one LibreOffice batch per target) under samples/returns/格式样例/, a two-form .docx
(附件1 + 附件3), a zip with GBK-encoded member names (as Windows writes them), layout
variants (synonym labels, re-ordered columns, header lines below the table, a 自查表
split in two tables) and samples/returns/expected.jsonl: the data each file holds.

Run: .venv/bin/python samples/make_returns.py
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from generators.forms import draw_form, draw_forms  # noqa: E402
from generators.office import convert  # noqa: E402
from schema.credit_code import CHARSET, check_char  # noqa: E402
from schema.spec import FormSpec, load_spec  # noqa: E402

DATA = ROOT / "samples" / "data"
OUT = ROOT / "samples" / "returns"
FORMATS_DIR = "格式样例"
FORM_TYPES = ["enterprise_register", "self_check", "supervision_check", "campaign_stats",
              "inspection_stats", "major_hazard_list", "progress_dispatch"]


# --- fill data ----------------------------------------------------------------------------

def credit_code(base17: str, bad: bool = False) -> str:
    good = check_char(base17)
    if not bad:
        return base17 + good
    return base17 + CHARSET[(CHARSET.index(good) + 1) % len(CHARSET)]


def self_check_items(spec: FormSpec, entry: dict) -> list[dict]:
    """The printed items with the results a filler marked."""
    items, n = [], 0
    for g in spec.groups:
        for text in g["items"]:
            n += 1
            res = {}
            for key in ("self_results", "check_results"):
                marks = entry.get(key, {})
                res[key[:-1]] = marks.get(n, marks.get(str(n), marks.get("default")))
            items.append({"no": n, "category": g["category"], "content": text,
                          "self_result": res["self_result"], "check_result": res["check_result"]})
    return items


def returns_of(form_type: str) -> list[dict]:
    """The form's returns from samples/data, with derived values filled in."""
    spec = load_spec(form_type)
    entries = yaml.safe_load((DATA / f"{form_type}.yaml").read_text(encoding="utf-8"))["returns"]
    out = []
    for e in entries:
        data = json.loads(json.dumps(e["data"]))
        if "credit17" in e:
            code = credit_code(e["credit17"], e.get("bad_check", False))
            data["registration_no"] = code
            data["credit_code"] = code
        if form_type == "self_check":
            data["items"] = self_check_items(spec, e)
        out.append({"form_type": form_type, "unit": e["unit"], "file": e["file"],
                    "header": e.get("header", {}), "data": data,
                    "warnings": e.get("expect_warnings", [])})
    return out


# --- layout variants (other offices' versions of the same form) ------------------------------

def _relabel(spec: FormSpec, key: str, label: str) -> None:
    f = spec.fields.get(key) or next(c for c in spec.columns if c.key == key)
    f.labels.remove(label)
    f.labels.insert(0, label)


def variant(form_type: str) -> FormSpec:
    spec = load_spec(form_type)
    if form_type == "enterprise_register":          # synonyms, header lines below the table
        _relabel(spec, "name", "企业名称")
        _relabel(spec, "registration_no", "统一社会信用代码")
        _relabel(spec, "principal", "法定代表人")
        spec.header_position = "below"
        spec.header_lines = [["reporting_unit", "fill_date"]]
    elif form_type == "major_hazard_list":          # synonyms, re-ordered columns
        _relabel(spec, "enterprise", "企业名称")
        _relabel(spec, "checking_unit", "检查单位")
        cols = {c.key: c for c in spec.columns}
        spec.columns = [cols[k] for k in ("seq", "town", "enterprise", "category", "description",
                                          "action", "checking_unit")]
    elif form_type == "campaign_stats":             # 重大隐患 before 一般隐患
        cols = spec.columns
        i = next(k for k, c in enumerate(cols) if c.key == "general_hazards_found")
        cols[i:i + 4] = cols[i + 2:i + 4] + cols[i:i + 2]
    elif form_type == "self_check":                 # split across a page, as in the seed
        spec.layout["split_after"] = 12
    elif form_type == "supervision_check":          # synonyms, one label/value pair per row
        _relabel(spec, "enterprise", "被检查单位")
        _relabel(spec, "problems", "发现问题")
        spec.layout["rows"] = [[k] for row in spec.layout["rows"] for k in row]
    return spec


VARIANTS = {"enterprise_register": 1, "major_hazard_list": 1, "campaign_stats": 0,
            "self_check": 1, "supervision_check": 1}   # which return is drawn in another layout


# --- writing --------------------------------------------------------------------------------

def _expect(rel: str, ret: dict, fmt: str, **extra) -> dict:
    return {"path": rel, "format": fmt, "form_type": ret["form_type"], "header": ret["header"],
            "data": ret["data"], "warnings": ret["warnings"], **extra}


def make(out: Path = OUT) -> list[dict]:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    expected: list[dict] = []
    by_type = {t: returns_of(t) for t in FORM_TYPES}
    legacy_docx: list[tuple[Path, dict]] = []
    legacy_xlsx: list[tuple[Path, dict]] = []
    for form_type, rets in by_type.items():
        for i, ret in enumerate(rets):
            folder = out / ret["unit"]
            spec = variant(form_type) if VARIANTS.get(form_type) == i else form_type
            tag = {"variant": True} if VARIANTS.get(form_type) == i else {}
            docx = draw_form(spec, folder / f"{ret['file']}.docx", ret["data"], ret["header"])
            expected.append(_expect(str(docx.relative_to(out)), ret, "docx", **tag))
            if i == 0 or ret["form_type"] in ("campaign_stats", "inspection_stats", "progress_dispatch"):
                xlsx = draw_form(spec, folder / f"{ret['file']}.xlsx", ret["data"], ret["header"])
                expected.append(_expect(str(xlsx.relative_to(out)), ret, "xlsx", **tag))
            if i == 0:
                legacy_docx.append((docx, ret))
                legacy_xlsx.append((folder / f"{ret['file']}.xlsx", ret))

    # format copies: one LibreOffice batch per target; .wps is a .doc renamed, .et an .xls renamed
    fmt_dir = out / FORMATS_DIR
    fmt_dir.mkdir()
    with tempfile.TemporaryDirectory(prefix="paicha-returns-") as tmp:
        tmp = Path(tmp)
        for target, items, alias in (("doc", legacy_docx, "wps"), ("xls", legacy_xlsx, "et")):
            staged = []
            for src, ret in items:
                p = tmp / f"{ret['form_type']}{src.suffix}"
                shutil.copy(src, p)
                staged.append((p, ret))
            done = convert([p for p, _ in staged], target, tmp / target)
            for p, ret in staged:
                if p not in done:
                    raise SystemExit(f"LibreOffice 未能转换 {p.name} → .{target}")
                dst = fmt_dir / f"{ret['file']}.{target}"
                shutil.move(str(done[p]), dst)
                expected.append(_expect(str(dst.relative_to(out)), ret, target,
                                        copy_of=f"{ret['unit']}/{ret['file']}"))
                dst2 = fmt_dir / f"{ret['file']}.{alias}"
                shutil.copy(dst, dst2)
                expected.append(_expect(str(dst2.relative_to(out)), ret, alias,
                                        copy_of=f"{ret['unit']}/{ret['file']}"))

    # one file with two forms (附件1 + 附件3), as a town returns them together
    er, sc = by_type["enterprise_register"][0], by_type["supervision_check"][0]
    two = draw_forms([("enterprise_register", er["data"], er["header"]),
                      ("supervision_check", sc["data"], sc["header"])],
                     out / "北石店镇" / "附件1附件3-宏达建材.docx")
    for k, ret in enumerate((er, sc)):
        expected.append(_expect(str(two.relative_to(out)), ret, "docx", index=k,
                                copy_of=f"{ret['unit']}/{ret['file']}"))

    # a zip as a Windows machine writes it: member names in cp936, no UTF-8 flag
    zip_path = out / "钟家庄街道" / "钟家庄街道报送材料.zip"
    members = [(p, r) for p, r in
               ((out / r["unit"] / f"{r['file']}.docx", r) for t in ("self_check", "major_hazard_list")
                for r in by_type[t][:1])]
    members.append((out / by_type["enterprise_register"][1]["unit"] /
                    f"{by_type['enterprise_register'][1]['file']}.xlsx", by_type["enterprise_register"][1]))
    draw_form("enterprise_register", members[-1][0], members[-1][1]["data"], members[-1][1]["header"])
    expected.append(_expect(str(members[-1][0].relative_to(out)), members[-1][1], "xlsx"))
    write_gbk_zip(zip_path, [(p, f"钟家庄街道报送/{p.name}") for p, _ in members])
    for p, ret in members:
        expected.append(_expect(f"{zip_path.relative_to(out)}!钟家庄街道报送/{p.name}", ret,
                                p.suffix[1:], copy_of=f"{ret['unit']}/{ret['file']}"))

    with open(out / "expected.jsonl", "w", encoding="utf-8") as fh:
        for e in expected:
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    return expected


class _GbkInfo(zipfile.ZipInfo):
    """A member name stored in cp936 without the UTF-8 flag, made on MS-DOS/Windows."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp936"), self.flag_bits & ~0x800


def write_gbk_zip(path: Path, members: list[tuple[Path, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for src, name in members:
            info = _GbkInfo(name, date_time=(2023, 3, 18, 9, 30, 0))
            info.create_system = 0
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, src.read_bytes())
    return path


if __name__ == "__main__":
    exp = make()
    files = [p for p in OUT.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"已生成 {len(files)} 个文件（{size / 1e6:.2f} MB），期望记录 {len(exp)} 条：{OUT}")
