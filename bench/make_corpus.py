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


def variant(base: Path, out: Path, n: int, renames: list[tuple[bytes, bytes]] | None = None) -> Path:
    """A copy of `base` with its names made unique in every XML part (`renames`: old → new, by default
    the benchmark corpus's for copy n)."""
    renames = _renames(n) if renames is None else renames
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



# --- a mixed campaign batch (bench/north_star.py) ----------------------------------------------

# format → share of the batch: what a county office gets back in a campaign (scans ≈ a fifth)
CAMPAIGN_SHARES = {"docx": 0.32, "xlsx": 0.17, "doc": 0.08, "wps": 0.03, "xls": 0.06, "pdf": 0.08,
                   "zip": 0.06, "scan": 0.14, "photo": 0.06}
TWO_FORMS_SHARE = 0.1              # .docx holding two forms (自查表 + 督导检查表)
ZIP_MEMBERS = (2, 4)               # forms per zip (.docx and .xlsx)
# what each copy varies (enterprise and unit names), so every file is its own return
CAMPAIGN_NAMES = ("宏达", "北石店镇人民政府", "西上庄街道办事处", "榆次区应急管理局", "东沟村")
XLSX_FORMS = ("campaign_stats", "major_hazard_list", "inspection_stats", "progress_dispatch")


def campaign_fills() -> list[dict]:
    """The sample fill data of every form type (samples/make_scans.py: samples/returns/expected.jsonl)."""
    sys.path.insert(0, str(ROOT / "samples"))
    import make_scans
    return make_scans.fill_data()


def _campaign_renames(n: int) -> list[tuple[bytes, bytes]]:
    code = f"{n:05d}"
    out = []
    for old in CAMPAIGN_NAMES:
        new = old[:2] + code + old[2:]
        out += [(old.encode(), new.encode()), (_charrefs(old), _charrefs(new))]
    return out


def _vary(base: Path, out: Path, n: int) -> Path:
    return variant(base, out, n, _campaign_renames(n))


def campaign_plan(n: int, scan_share: float | None = None, seed: int = 17) -> list[str]:
    """The kind of each of n files (deterministic); `scan_share` overrides the scans' and photos' share."""
    import random
    shares = dict(CAMPAIGN_SHARES)
    if scan_share is not None:
        digital = sum(v for k, v in shares.items() if k not in ("scan", "photo"))
        old = shares["scan"] + shares["photo"]
        for k in shares:
            shares[k] = (shares[k] / old * scan_share) if k in ("scan", "photo") else \
                shares[k] / digital * (1 - scan_share)
    kinds = []
    for k, v in shares.items():
        kinds += [k] * round(v * n)
    kinds = (kinds + ["docx"] * n)[:n]
    random.Random(seed).shuffle(kinds)
    return kinds


def _scan_one(job: tuple) -> None:
    """One scanned (image PDF) or photographed (.jpg) return from a text PDF."""
    import random
    sys.path.insert(0, str(ROOT / "samples"))
    import make_scans as ms
    pdf, out, kind, seed = job
    rng = random.Random(seed)
    pages = ms.render_pages(Path(pdf))
    centre = ms.seal_centre(Path(pdf), 0)
    if centre:
        pages[0] = ms.stamp_seal(pages[0], centre, "北石店镇人民政府")
    if kind == "photo":
        try:                               # the hard photo generator, when present
            import make_photos
            img = make_photos.photo(pages[:1], rng)
        except (ImportError, AttributeError):
            img = ms.phone_photo(pages[0], rng)
        img.save(out, "JPEG", quality=80)
    else:
        ms.save_image_pdf([ms.scanner_noise(p, rng) for p in pages], Path(out))


def make_campaign(outdir: Path, n: int, scan_share: float | None = None, workers: int = 2) -> dict[str, list[Path]]:
    """outdir/batch: n returns of a campaign in realistic shares of formats (campaign_plan), every file
    distinct (its own enterprise and unit names); {kind: files}. LibreOffice makes the .doc/.wps/.xls,
    text PDFs and the PDFs the scans are rendered from, in batches."""
    import random
    import shutil
    from concurrent.futures import ProcessPoolExecutor
    from generators.forms import draw_form, draw_forms
    from schema.office import convert
    outdir = Path(outdir)
    batch, stage, bases_dir = outdir / "batch", outdir / "stage", outdir / "bases"
    for d in (batch, stage, bases_dir):
        d.mkdir(parents=True, exist_ok=True)
    fills = {f["form_type"]: f for f in campaign_fills()}
    bases: dict[str, list[Path]] = {"docx": [], "xlsx": [], "two": []}
    for t, f in fills.items():
        bases["docx"].append(draw_form(t, bases_dir / f"{t}.docx", f["data"], f["header"]))
        if t in XLSX_FORMS:
            bases["xlsx"].append(draw_form(t, bases_dir / f"{t}.xlsx", f["data"], f["header"]))
    pair = [(t, fills[t]["data"], fills[t]["header"]) for t in ("self_check", "supervision_check") if t in fills]
    bases["two"].append(draw_forms(pair, bases_dir / "two.docx"))

    rng = random.Random(5)
    plan = campaign_plan(n, scan_share)
    made: dict[str, list[Path]] = {k: [] for k in CAMPAIGN_SHARES}
    to_convert: dict[str, list[tuple[Path, Path]]] = {}      # LibreOffice target → (staged file, final name)
    scans: list[tuple[int, str, Path]] = []
    for i, kind in enumerate(plan):
        if kind in ("docx", "xlsx"):
            base = rng.choice(bases["two"] if kind == "docx" and rng.random() < TWO_FORMS_SHARE else bases[kind])
            made[kind].append(_vary(base, batch / f"{i:05d}-{base.stem}.{kind}", i))
        elif kind == "zip":
            z = batch / f"{i:05d}-回执.zip"
            with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
                for m in range(rng.randint(*ZIP_MEMBERS)):
                    suffix = rng.choice(("docx", "docx", "xlsx"))
                    base = rng.choice(bases[suffix])
                    member = _vary(base, stage / f"z{i}-{m}.{suffix}", i * 10 + m + 500_000)
                    zf.write(member, f"{base.stem}-{m}.{suffix}")
            made["zip"].append(z)
        else:
            source = "xlsx" if kind == "xls" else "docx"
            base = rng.choice(bases[source])
            staged = _vary(base, stage / f"{i:05d}-{base.stem}.{source}", i)
            target = {"doc": "doc", "wps": "doc", "xls": "xls"}.get(kind, "pdf")
            to_convert.setdefault(target, []).append((staged, batch / f"{i:05d}-{base.stem}.{kind}"))
            if kind in ("scan", "photo"):
                scans.append((i, kind, staged))
    for target, items in to_convert.items():
        for k in range(0, len(items), 100):                   # one LibreOffice start per 100 files
            part = items[k:k + 100]
            done = {}
            for _ in range(3):                                # a busy machine can time a batch out: again
                left = [st for st, _ in part if st not in done]
                if not left:
                    break
                try:
                    done.update(convert(left, target, stage / f"conv-{target}", timeout=1200))
                except Exception as e:  # noqa: BLE001
                    print(f"LibreOffice：{e}", file=sys.stderr)
            for staged, final in part:
                if staged in done and final.suffix not in (".scan", ".photo"):
                    shutil.move(str(done[staged]), final)
    jobs = []
    for i, kind, staged in scans:
        pdf = stage / "conv-pdf" / (staged.stem + ".pdf")
        if not pdf.exists():
            continue
        final = batch / (staged.stem + ("-扫描件.pdf" if kind == "scan" else "-照片.jpg"))
        (batch / (staged.stem + f".{kind}")).unlink(missing_ok=True)
        jobs.append((str(pdf), str(final), kind, 1000 + i))
        made[kind].append(final)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(_scan_one, jobs, chunksize=4))
    for kind in ("doc", "wps", "xls", "pdf"):
        made[kind] = sorted(p for p in batch.glob(f"*.{kind}") if not p.stem.endswith(("扫描件",)))
    shutil.rmtree(stage)
    return made

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
