"""Hard OCR images: phone photos and sealed scans of filled forms, with their ground truth.

    .venv/bin/python samples/make_photos.py [--set tune|heldout|calib|tune2|all] [--out out/ocr_hard]

Four sets, made the same way from different fill data and different seeds:
  tune     the first filled instance of each form type in samples/returns/expected.jsonl;
  heldout  the second (other enterprises, units, numbers); never used for tuning;
  calib    for calibrating the trust flags: the third fill where there is one, else the first with
           other people, enterprises, units, numbers, dates and marks (vary()); two photos per
           form and both a scan and a fax;
  tune2    a second tune set (the first ones' flags no longer show what goes wrong on new pages):
           the first fill varied with yet other units, towns, villages, firms and bigger counts,
           statistics tables (campaign_stats, inspection_stats, major_hazard_list) with more rows
           (more_rows()) and photographed more ways: in deep shadow, small in the picture, sealed
           over numbers, two tables in one photo, scanned and faxed with seals over numbers.
For each form: drawn by generators.forms.draw_form, LibreOffice -> PDF, rendered at 200 dpi
(cached in OUT/pages), then
  photo        perspective (camera tilt up to 25 deg), slight curl, uneven light, a hand's
               shadow, blur, a dark desk around the page, WeChat recompression (long side
               1280 px, JPEG q 60-75); a form of two pages is two photos in one image PDF;
  photo2       two forms (自查表 and 督导检查表) side by side in one photo (sent as 原图, 2048 px);
  screenshot   (one form per set) a phone screenshot of a photo;
  rotated      (one form per set) a photo taken sideways (90/180/270 deg, no EXIF);
  scan         150-300 dpi, skew up to 3 deg, red seals over the unit name and over a
               numbers cell, handwritten-looking numbers and ticks, noise, JPEG: an image PDF;
  fax          (half the forms) a scan binarised like a fax.
Ground truth: the fill data (header, data) written to OUT/<set>/truth.jsonl, one line per image;
the list of images and their parameters is deterministic (seeded by set and form).
Binaries are never committed: the bench and the tests make them into out/ or a tmp dir.
"""
from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import random
import re
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "out" / "ocr_hard"
EXPECTED = ROOT / "samples" / "returns" / "expected.jsonl"
PAGE_DPI = 200
HAND_FONT = "/usr/share/fonts/truetype/arphic/ukai.ttc"
SEEDS = {"tune": 1405, "heldout": 9137, "calib": 2718, "tune2": 6151}
FILL_OF = {"tune": 0, "heldout": 1, "calib": 2}      # which distinct fill of each form type
WECHAT_SIDE = 1280


# --- fill data ---------------------------------------------------------------------------------

def fills(which: str) -> list[dict]:
    """[{form_type, header, data}]: per form type the first (tune), second (heldout) or third (calib)
    distinct fill; calib without a third: the first, varied (vary())."""
    seen: dict[str, list[dict]] = {}
    keys: set[str] = set()
    for line in EXPECTED.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        if rec.get("form_type") in (None, "unknown"):
            continue
        key = json.dumps([rec["form_type"], rec.get("header"), rec.get("data")], sort_keys=True, ensure_ascii=False)
        if key in keys:
            continue
        keys.add(key)
        seen.setdefault(rec["form_type"], []).append(
            {"form_type": rec["form_type"], "header": rec.get("header") or {}, "data": rec.get("data") or {}})
    if which == "tune2":
        out = [dict(more_rows(vary(v[0], random.Random(f"{SEEDS[which]}-{ft}-fill"), TUNE2_NAMES),
                              random.Random(f"{SEEDS[which]}-{ft}-rows")), name=ft) for ft, v in sorted(seen.items())]
        base = next(f for f in out if f["form_type"] == "self_check")
        return out + [long_self_check(which, base)]
    n = FILL_OF[which]
    if which == "calib":
        out = [dict(v[n] if len(v) > n else vary(v[0], random.Random(f"{SEEDS[which]}-{ft}-fill")), name=ft)
               for ft, v in sorted(seen.items())]
        base = next(f for f in out if f["form_type"] == "self_check")
        return out + [long_self_check(which, base)]
    out = [dict(v[n], name=ft) for ft, v in sorted(seen.items()) if len(v) > n]
    return out + [long_self_check(which, seen["self_check"][n])]


# calib's other names: roster units the tune and held-out fills do not use, people, firms
CALIB_UNITS = [("东街街道办事处", "东街街道"), ("南街街道办事处", "南街街道")]
CALIB_COUNTIES = ["清徐县应急管理局", "阳曲县应急管理局"]
CALIB_VILLAGES = ["北岭村", "石门村", "柳树沟村"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红梅晓东海波鹏飞玉兰春燕文斌宏亮慧"
BRANDS = ["鼎盛", "汇丰", "永安", "晨光", "瑞祥", "华盛", "金泰", "利民", "福源", "泰和", "广达", "新辉"]
CALIB_NAMES = {"units": CALIB_UNITS, "counties": CALIB_COUNTIES, "villages": CALIB_VILLAGES, "brands": BRANDS,
               "factors": (2, 3)}
# tune2's: other roster units, counties, villages, firms, and counts 3 to 7 times the first fill's
TUNE2_NAMES = {"units": [("西上庄街道办事处", "西上庄街道"), ("钟家庄街道办事处", "钟家庄街道")],
               "counties": ["小店区应急管理局", "尖草坪区应急管理局", "古交市应急管理局"],
               "villages": ["南庄村", "河东村", "杨家岭村", "上官村"],
               "brands": ["宏远", "兴旺", "昌盛", "天诚", "恒通", "德顺", "博源", "佳利", "众合", "永丰", "润达", "聚鑫"],
               "factors": (3, 4, 7)}
STATS_FORMS = ("campaign_stats", "inspection_stats", "major_hazard_list")
PERSON_KEYS = {"principal", "responsible", "inspectors", "recheck_by", "staff", "filler", "contact", "head"}
KEEP_NUMBERS = {"no", "seq", "size"}      # row numbers, and a size that counts a list
MARKS = ["yes"] * 6 + ["no", "rectifying", None]


def vary(fill: dict, rng: random.Random, names: dict = CALIB_NAMES) -> dict:
    """The fill with other people (consistently: one person, one new name), enterprises (the brand in
    the firm's name), units and villages (of the roster), counts and money (all times one factor:
    totals and 整改 <= 排查 still hold), phones, dates (all shifted alike), 自查表 marks and row order;
    the new units, counties, villages, brands and factors drawn from `names`."""
    header, data = json.loads(json.dumps(fill["header"])), json.loads(json.dumps(fill["data"]))
    words: dict[str, str] = {}
    unit, town = rng.choice(names["units"])
    for old in _strings([header, data]):
        m = re.match(r"^(.+?[镇乡])人民政府$|^(.+?街道)办事处$", old)
        if m:
            words.setdefault(old, unit)
            words.setdefault(m.group(1) or m.group(2), town)
        m = re.match(r"^.{2,3}(?:[镇乡]|街道)$", old)
        if m and old not in words:
            words[old] = town
        if re.match(r"^.{2,3}[区县]应急管理局$", old):
            words.setdefault(old, rng.choice(names["counties"]))
        if re.match(r"^.{1,3}村$", old):
            words.setdefault(old, rng.choice(names["villages"]))
        m = re.search(r"城区(.{2})(?=.*(?:公司|厂|站)$)", old)
        if m and m.group(1) not in words:
            words[m.group(1)] = rng.choice([b for b in names["brands"] if b not in words.values()])
    people: dict[str, str] = {}
    for name in _people(data):
        while name not in people:
            new = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
            if new not in people.values() and new != name:
                people[name] = new
    factor = rng.choice(names["factors"])
    shift = rng.randint(20, 200)
    for i, r in enumerate(sorted(data.get("rows") or [], key=lambda _: rng.random())):
        data["rows"][i] = r
    for i, r in enumerate(data.get("rows") or []):
        if "seq" in r:
            r["seq"] = i + 1
    for r in data.get("items") or []:
        r["self_result"] = r["check_result"] = rng.choice(MARKS)

    def redo(key: str, v):
        if isinstance(v, dict):
            return {k: redo(k, x) for k, x in v.items()}
        if isinstance(v, list):
            return [redo(key, x) for x in v]
        if isinstance(v, bool) or v is None:
            return v
        if isinstance(v, (int, float)):
            if key in KEEP_NUMBERS:
                return v
            return v * factor if isinstance(v, int) else round(v * factor, 4)
        if not isinstance(v, str):
            return v
        if v in people:
            return people[v]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            return (dt.date.fromisoformat(v) + dt.timedelta(days=shift)).isoformat()
        if re.fullmatch(r"1[3-9]\d{9}", v):
            return v[:3] + "".join(rng.choice("0123456789") for _ in range(8))
        if re.fullmatch(r"0\d{2,3}-\d{7,8}", v):
            area, num = v.split("-")
            return f"{area}-{rng.choice('2345678')}" + "".join(rng.choice("0123456789") for _ in num[1:])
        for old in sorted(words, key=len, reverse=True):
            v = v.replace(old, words[old])
        return v

    return {"form_type": fill["form_type"], "header": redo("", header), "data": redo("", data)}


MORE_GROUPS = ["第三检查组", "第四检查组", "第五检查组", "第六检查组", "第七检查组"]
MORE_HAZARDS = [
    ("太原市小店区宏远机械加工厂", "小店区应急管理局", "机械", "粉尘涉爆作业场所未按规定设置除尘系统", "责令停止作业，限期整改"),
    ("太原市德顺化工有限公司", "西上庄街道安监站", "危化", "危险化学品储罐区未设置紧急切断装置", "挂牌督办"),
    ("太原市博源食品有限责任公司", "区市场监管局", "食品", "液氨制冷车间未设置氨气浓度检测报警装置", "责令停产整顿"),
    ("太原市聚鑫物流有限公司", "钟家庄街道安监站", "仓储", "仓库内违规设置员工宿舍", "责令限期整改"),
    ("太原市润达建筑工程有限公司", "区住建局", "建筑", "深基坑未按方案进行支护和监测", "责令停工整改"),
]


def more_rows(fill: dict, rng: random.Random) -> dict:
    """A statistics table with more rows (tune2): a campaign_stats' other groups' counts (整改 <= 排查,
    the 合计 redone), an inspection_stats' two other counties, a major_hazard_list's other enterprises."""
    ft, data = fill["form_type"], fill["data"]
    rows = data.get("rows") or []
    if ft == "campaign_stats":
        for name in MORE_GROUPS[: rng.randint(2, 4)]:
            r = {k: 0 for k in rows[0]}
            r.update(unit=name, inspection_groups=rng.randint(1, 3), fines_wan=round(rng.uniform(0, 6) * 2) / 2)
            for found, fixed, top in (("general_hazards_found", "general_hazards_fixed", 60),
                                      ("major_hazards_found", "major_hazards_fixed", 3),
                                      ("illegal_acts_found", "illegal_acts_handled", 9)):
                r[found] = rng.randint(0, top)
                r[fixed] = rng.randint(max(0, r[found] - 5), r[found])
            for k in ("ordered_rectification", "suspended", "closed", "interviewed", "exposed", "typical_cases"):
                r[k] = rng.randint(0, 6)
            rows.append(r)
        totals = {}
        for k in data["totals"]:
            v = round(sum(r.get(k) or 0 for r in rows), 4)
            totals[k] = int(v) if v == int(v) else v
        data["totals"] = totals
    elif ft == "inspection_stats":
        for county in TUNE2_NAMES["counties"]:
            if any(r.get("unit") == county for r in rows):
                continue
            r = dict(rows[0], unit=county, other="无", remarks="无")
            for k, v in rows[0].items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    r[k] = round(v * rng.uniform(0.3, 1.6), 1) if isinstance(v, float) else rng.randint(0, v * 2 + 3)
            r["general_hazards_fixed"] = rng.randint(r["general_hazards_found"] // 2, r["general_hazards_found"])
            r["major_hazards_fixed"] = rng.randint(0, r["major_hazards_found"])
            rows.append(r)
            if len(rows) >= 3:
                break
    elif ft == "major_hazard_list":
        town = rows[0].get("town")
        for ent, unit, cat, desc, act in rng.sample(MORE_HAZARDS, 3):
            rows.append({"seq": len(rows) + 1, "enterprise": ent, "checking_unit": unit, "town": town,
                         "category": cat, "description": desc, "action": act})
    return fill


def _strings(v) -> list[str]:
    if isinstance(v, dict):
        return [s for x in v.values() for s in _strings(x)]
    if isinstance(v, list):
        return [s for x in v for s in _strings(x)]
    return [v] if isinstance(v, str) else []


def _people(v, key: str = "") -> list[str]:
    """Person names of a fill: under PERSON_KEYS, and the name of a person (principal.name)."""
    if isinstance(v, dict):
        return [s for k, x in v.items() for s in _people(x, key if k == "name" else k)]
    if isinstance(v, list):
        return [s for x in v for s in _people(x, key)]
    return [v] if isinstance(v, str) and key in PERSON_KEYS | {"safety_principal"} and 2 <= len(v) <= 3 else []


def long_self_check(which: str, base: dict) -> dict:
    """A two-page 自查表: every printed item of the spec, marks drawn per set (a photographed
    28-item 自查表 once gave no record at all)."""
    from samples.make_scans import self_check_items
    rng = random.Random(f"{SEEDS[which]}-marks")
    marks = [rng.choice(["yes"] * 6 + ["no", "rectifying", None]) for _ in range(40)]
    data = {k: v for k, v in base["data"].items() if k != "items"}
    data["items"] = self_check_items(marks)
    return {"form_type": "self_check", "name": "self_check28", "header": base["header"], "data": data}


def render_forms(which: str, out: Path) -> list[dict]:
    """Each fill drawn, converted to PDF and rendered (cached): [{form_type, header, data, pdf, pages}]."""
    from samples.make_scans import forms_to_pdf
    cache = out / "pages" / which
    cache.mkdir(parents=True, exist_ok=True)
    items = fills(which)
    todo = [f for f in items if not (cache / f"{f['name']}.pdf").exists()]
    if todo:
        forms_to_pdf(todo, [f["name"] for f in todo], cache)
    for f in items:
        f["pdf"] = cache / f"{f['name']}.pdf"
        f["pages"] = pages_of(f["pdf"])
    return items


def pages_of(pdf: Path) -> list[Image.Image]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=PAGE_DPI / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def words_of(pdf: Path) -> list[list[dict]]:
    """pdfplumber words (x0, top, x1, bottom in points, text) of every page."""
    import pdfplumber
    with pdfplumber.open(str(pdf)) as doc:
        return [p.extract_words(keep_blank_chars=False) for p in doc.pages]


# --- paper effects (on the flat page) ----------------------------------------------------------

def jpeg(img: Image.Image, q: int) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=q)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def seal(img: Image.Image, centre: tuple[int, int], text: str, radius: int) -> Image.Image:
    from samples.make_scans import stamp_seal
    return stamp_seal(img, centre, text[:14], radius=radius)


def handwrite(img: Image.Image, words: list[dict], rng: random.Random, n: int) -> Image.Image:
    """`n` numbers or ticks wiped and written again by hand (a kaishu font, jittered, blue-black ink)."""
    k = PAGE_DPI / 72
    cands = [w for w in words if w["text"].isdigit() or w["text"] in ("√", "×", "○")]
    if not cands:
        return img
    d = ImageDraw.Draw(img)
    for w in rng.sample(cands, min(n, len(cands))):
        x0, y0, x1, y1 = w["x0"] * k, w["top"] * k, w["x1"] * k, w["bottom"] * k
        d.rectangle([x0 - 1, y0 - 1, x1 + 1, y1 + 1], fill=(255, 255, 255))
        size = int((y1 - y0) * rng.uniform(1.05, 1.35))
        font = ImageFont.truetype(HAND_FONT, size)
        ink = rng.choice([(20, 30, 90), (25, 25, 30), (30, 40, 120)])
        x = x0 + rng.uniform(-2, 3)
        for ch in w["text"]:
            glyph = Image.new("L", (size * 2, size * 2), 0)
            ImageDraw.Draw(glyph).text((size, size), ch, fill=255, font=font, anchor="mm")
            glyph = glyph.rotate(rng.uniform(-12, 12), resample=Image.BICUBIC)
            cy = (y0 + y1) / 2 + rng.uniform(-2, 2)
            img.paste(Image.new("RGB", glyph.size, ink), (int(x + size * 0.3 - size), int(cy - size)), glyph)
            x += size * rng.uniform(0.55, 0.75)
    return img


def seal_spots(f: dict, words: list[dict]) -> list[tuple[tuple[int, int], str]]:
    """Where seals go: the unit name line, and a cell with a number or a name."""
    k = PAGE_DPI / 72
    out = []
    unit = f["header"].get("reporting_unit") or ""
    ent = f["data"].get("enterprise") or f["data"].get("name") or ""
    ent = ent.get("name", "") if isinstance(ent, dict) else ent
    for w in words:
        if any(lbl in w["text"] for lbl in ("填报单位", "填表单位", "单位名称", "企业名称")):
            out.append(((int((w["x1"] + 70) * k), int((w["top"] + w["bottom"]) / 2 * k)), unit or ent or "安全生产检查专用章"))
            break
    digits = [w for w in words if w["text"].isdigit() and len(w["text"]) <= 4 and w["top"] > 150]
    if digits:
        w = digits[len(digits) // 2]
        out.append(((int(w["x0"] * k), int(w["top"] * k)), "安全生产检查专用章"))
    return out


# --- camera effects ------------------------------------------------------------------------------

def desk(h: int, w: int, rng: random.Random) -> np.ndarray:
    """A dark textured desk (BGR-free RGB uint8)."""
    base = np.array(rng.choice([(62, 44, 32), (40, 40, 44), (85, 60, 40), (30, 28, 26)]), dtype=np.float32)
    g = np.random.default_rng(rng.randrange(1 << 30))
    grain = g.normal(0, 1, (h // 8 + 1, w // 8 + 1)).astype(np.float32)
    import cv2
    grain = cv2.resize(cv2.GaussianBlur(grain, (0, 0), 2), (w, h))[:h, :w]
    streak = np.sin(np.linspace(0, rng.uniform(20, 60), w, dtype=np.float32))[None, :] * 6
    a = base[None, None, :] + (grain * 10 + streak)[..., None]
    return np.clip(a, 0, 255).astype(np.uint8)


def curl(a: np.ndarray, rng: random.Random) -> np.ndarray:
    """The paper bowing slightly: rows bend (up to ~0.8% of the height) and the right edge lifts."""
    import cv2
    h, w = a.shape[:2]
    amp = rng.uniform(0.003, 0.008) * h
    xx, yy = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    dy = amp * np.sin(np.pi * xx / w) * (1 - 2 * yy / h)
    dx = amp * 0.5 * (xx / w) ** 3 * np.sin(np.pi * yy / h)
    return cv2.remap(a, xx + dx, yy + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def camera_homography(w: int, h: int, tilt_x: float, tilt_y: float, roll: float, scale: float,
                      cx: float, cy: float) -> np.ndarray:
    """Page corners (w x h) as seen by a camera tilted by tilt_x/tilt_y degrees and rolled by `roll`,
    the page's centre at (cx, cy) of the picture and its width `scale` times its size."""
    import cv2
    f = 1.2 * max(w, h)
    ax, ay, az = (math.radians(v) for v in (tilt_x, tilt_y, roll))
    rx = np.array([[1, 0, 0], [0, math.cos(ax), -math.sin(ax)], [0, math.sin(ax), math.cos(ax)]])
    ry = np.array([[math.cos(ay), 0, math.sin(ay)], [0, 1, 0], [-math.sin(ay), 0, math.cos(ay)]])
    rz = np.array([[math.cos(az), -math.sin(az), 0], [math.sin(az), math.cos(az), 0], [0, 0, 1]])
    r = rz @ ry @ rx
    corners = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]])
    p = corners @ r.T + np.array([0, 0, f])
    proj = p[:, :2] / p[:, 2:3] * f
    proj *= scale
    proj += np.array([cx, cy])
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    return cv2.getPerspectiveTransform(src, np.float32(proj))


def lighting(a: np.ndarray, rng: random.Random, dark: tuple[float, float] = (0.25, 0.45),
             spread: float = 1.0) -> np.ndarray:
    """Light falling off across the picture, a warm cast, and the soft shadow of a hand or phone
    (`dark`: how much light it takes, `spread`: its size)."""
    h, w = a.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    gx, gy = rng.uniform(-0.35, 0.35), rng.uniform(-0.35, 0.35)
    light = 1.0 + gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
    sx, sy = rng.uniform(0.1, 0.9) * w, rng.uniform(0.5, 1.1) * h
    rx, ry = rng.uniform(0.15, 0.35) * w * spread, rng.uniform(0.2, 0.4) * h * spread
    blob = np.exp(-(((xx - sx) / rx) ** 2 + ((yy - sy) / ry) ** 2))
    light *= 1 - rng.uniform(*dark) * blob
    light *= rng.uniform(0.8, 0.95)
    cast = np.float32([1.0, rng.uniform(0.95, 0.99), rng.uniform(0.85, 0.95)])
    return np.clip(a.astype(np.float32) * light[..., None] * cast, 0, 255).astype(np.uint8)


def wechat(img: Image.Image, rng: random.Random, side: int = WECHAT_SIDE) -> Image.Image:
    k = side / max(img.size)
    if k < 1:
        img = img.resize((round(img.width * k), round(img.height * k)), Image.LANCZOS)
    return jpeg(img, rng.randint(60, 75))


def photo(pages: list[Image.Image], rng: random.Random, side: int = WECHAT_SIDE,
          max_tilt: float = 25.0, size: float | None = None, dark: tuple[float, float] = (0.25, 0.45),
          spread: float = 1.0) -> Image.Image:
    """One or more pages (side by side) photographed on a desk and sent over WeChat; `size` the
    page's width in the picture (default nearly all of it), `dark`/`spread` the shadow's (lighting())."""
    import cv2
    flat = [curl(np.asarray(p), rng) for p in pages]
    ph, pw = flat[0].shape[:2]
    gap = int(pw * 0.06)
    sheet_w = pw * len(flat) + gap * (len(flat) - 1)
    # canvas: portrait for one page, landscape for two
    W, H = (int(sheet_w * 1.12), int(ph * 1.15)) if len(flat) > 1 else (int(pw * 1.15), int(ph * 1.15))
    canvas = desk(H, W, rng)
    tilt = rng.uniform(0.4, 1.0) * max_tilt
    share = rng.uniform(0.3, 0.7)
    tx, ty = tilt * share * rng.choice((-1, 1)), tilt * math.sqrt(1 - share ** 2) * rng.choice((-1, 1))
    roll = rng.uniform(-6, 6)
    x = 0
    for p in flat:
        h, w = p.shape[:2]
        cx = W / 2 + (x + w / 2 - sheet_w / 2) * 0.85 + rng.uniform(-0.02, 0.02) * W
        cy = H / 2 + rng.uniform(-0.03, 0.03) * H
        scale = size or (0.95 if len(flat) == 1 else 0.76)    # two pages never overlap (0.85 x (w + gap))
        while True:     # the whole page in the picture
            m = camera_homography(w, h, tx, ty, roll, scale, cx, cy)
            pts = cv2.perspectiveTransform(np.float32([[[0, 0]], [[w, 0]], [[w, h]], [[0, h]]]), m)[:, 0]
            if scale < 0.5 or (pts.min() >= 0 and (pts[:, 0] < W).all() and (pts[:, 1] < H).all()):
                break
            scale -= 0.03
        warped = cv2.warpPerspective(p, m, (W, H), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_CONSTANT,
                                     borderValue=(0, 0, 0))
        mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (W, H))
        canvas = np.where(mask[..., None] > 127, warped, canvas)
        x += w + gap
    canvas = lighting(canvas, rng, dark, spread)
    img = Image.fromarray(canvas).filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.6)))
    img = img.resize((W // 2, H // 2), Image.LANCZOS)     # the phone's own size, before WeChat
    return wechat(img, rng, side)


def screenshot(img: Image.Image, rng: random.Random) -> Image.Image:
    """A phone screenshot (1080 x 2340) of a photo shown in a viewer: black bars, status bar, toolbar."""
    W, H = 1080, 2340
    screen = Image.new("RGB", (W, H), (0, 0, 0))
    k = min(W / img.width, (H - 360) / img.height)
    shown = img.resize((round(img.width * k), round(img.height * k)), Image.BICUBIC)
    screen.paste(shown, ((W - shown.width) // 2, (H - shown.height) // 2))
    d = ImageDraw.Draw(screen)
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 40, index=2)
    d.text((40, 30), f"{rng.randint(8, 17)}:{rng.randint(10, 59)}", fill=(255, 255, 255), font=font)
    d.text((W - 200, 30), "5G 87%", fill=(255, 255, 255), font=font)
    d.text((40, H - 110), "发送给朋友    收藏    编辑    删除", fill=(230, 230, 230), font=font)
    return jpeg(screen, rng.randint(70, 85))


def number_seals(img: Image.Image, words: list[dict], rng: random.Random, n: int) -> Image.Image:
    """`n` more seals, each over a number of the table (a statistics table sealed over its figures)."""
    k = PAGE_DPI / 72
    digits = [w for w in words if re.fullmatch(r"\d+(?:\.\d+)?", w["text"]) and w["top"] > 150]
    for w in rng.sample(digits, min(n, len(digits))):
        centre = (int((w["x0"] + rng.uniform(-20, 20)) * k), int((w["top"] + rng.uniform(-15, 15)) * k))
        img = seal(img, centre, rng.choice(["安全生产检查专用章", "统计专用章", "应急管理专用章"]), rng.randint(110, 150))
    return img


def scan(page: Image.Image, words: list[dict], f: dict, rng: random.Random, first: bool,
         fax: bool, dpi: int, extra_seals: int = 0) -> tuple[Image.Image, int]:
    """A sealed page through a flatbed scanner (or a fax): dpi, skew, seals (and `extra_seals` more
    over numbers), handwriting, noise, JPEG; the page and its dpi."""
    img = page.copy()
    img = handwrite(img, words, rng, rng.randint(2, 5))
    if first:
        for centre, text in seal_spots(f, words):
            img = seal(img, centre, text, radius=rng.randint(130, 170))
        if extra_seals:
            img = number_seals(img, words, rng, extra_seals)
    if dpi != PAGE_DPI:
        img = img.resize((round(img.width * dpi / PAGE_DPI), round(img.height * dpi / PAGE_DPI)), Image.LANCZOS)
    img = img.rotate(rng.uniform(0.5, 3.0) * rng.choice((-1, 1)), resample=Image.BICUBIC,
                     fillcolor=(255, 255, 255))
    a = np.asarray(img, dtype=np.float32)
    g = np.random.default_rng(rng.randrange(1 << 30))
    a = a * rng.uniform(0.9, 1.0) + g.normal(0, 5, a.shape[:2])[..., None]
    if fax:
        grey = a.mean(axis=2)
        bw = np.where(grey + g.normal(0, 18, grey.shape) < rng.uniform(150, 175), 0, 255).astype(np.uint8)
        speck = g.random(bw.shape) < 0.0015
        bw[speck] = 255 - bw[speck]
        return Image.fromarray(bw).convert("1").convert("RGB"), dpi
    return jpeg(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)), rng.randint(55, 80)), dpi


def hard_photos(f: dict, words: list[list[dict]], rng: random.Random, dest: Path, base: dict, n: int) -> list[dict]:
    """tune2's further photos of a statistics table: in deep shadow, small in the picture, sealed over
    its numbers first; one table also as a screenshot, another sideways. Its truth lines."""
    ft, out = f["name"], []

    def save(shots: list[Image.Image], name: str, kind: str = "photo") -> None:
        if len(shots) > 1:
            save_pdf(shots, dest / f"{name}.pdf", dpi=110)
        else:
            shots[0].save(dest / f"{name}.jpg", "JPEG", quality=95)
        out.append({**base, "file": f"{name}{'.pdf' if len(shots) > 1 else '.jpg'}", "kind": kind})

    save([photo([p], rng, dark=(0.5, 0.7), spread=1.6) for p in f["pages"]], f"{ft}-photo-shadow")
    save([photo([p], rng, size=rng.uniform(0.55, 0.7)) for p in f["pages"]], f"{ft}-photo-small")
    sealed = [number_seals(seal(p.copy(), (p.width // 5, p.height // 7), f["header"].get("reporting_unit") or "统计专用章",
                                 rng.randint(130, 160)), words[i], rng, 3) for i, p in enumerate(f["pages"])]
    shots = [photo([p], rng) for p in sealed]
    save(shots, f"{ft}-photo-sealed")
    if len(shots) == 1 and n % 3 == 0:
        screenshot(shots[0], rng).save(dest / f"{ft}-screenshot.jpg", "JPEG", quality=95)
        out.append({**base, "file": f"{ft}-screenshot.jpg", "kind": "screenshot"})
    elif len(shots) == 1 and n % 3 == 1:
        turned(shots[0], rng.choice((1, 3))).save(dest / f"{ft}-rotated.jpg", "JPEG", quality=95)
        out.append({**base, "file": f"{ft}-rotated.jpg", "kind": "rotated"})
    return out


def turned(img: Image.Image, quarter: int) -> Image.Image:
    return img.rotate(90 * quarter, expand=True)


def save_pdf(pages: list[Image.Image], path: Path, dpi: int = PAGE_DPI) -> None:
    pages[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])


# --- the sets ------------------------------------------------------------------------------------

def make(which: str, out: Path = OUT) -> list[dict]:
    """Every image of one set into out/<which>/ and its truth.jsonl; returns the truth lines."""
    dest = out / which
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.iterdir():
        old.unlink()
    forms = render_forms(which, out)
    truth = []
    for n, f in enumerate(forms):
        ft = f["name"]
        rng = random.Random(f"{SEEDS[which]}-{ft}")
        words = words_of(f["pdf"])
        base = {"set": which, "records": [{k: f[k] for k in ("form_type", "header", "data")}],
                "pages": len(f["pages"])}
        for take in range(2 if which == "calib" else 1):        # calib: a second photo of each form
            shots = [photo([p], rng) for p in f["pages"]]
            name = f"{ft}-photo{'-2' if take else ''}" + (".pdf" if len(shots) > 1 else ".jpg")
            if len(shots) > 1:
                save_pdf(shots, dest / name, dpi=110)
            else:
                shots[0].save(dest / name, "JPEG", quality=95)
            truth.append({**base, "file": name, "kind": "photo"})
            if not take:
                first_shots = shots
        shots = first_shots
        if n == SEEDS[which] % len(forms) and len(f["pages"]) == 1:
            screenshot(shots[0], rng).save(dest / f"{ft}-screenshot.jpg", "JPEG", quality=95)
            truth.append({**base, "file": f"{ft}-screenshot.jpg", "kind": "screenshot"})
        if n == (SEEDS[which] + 3) % len(forms) and len(f["pages"]) == 1:
            turned(shots[0], rng.choice((1, 2, 3))).save(dest / f"{ft}-rotated.jpg", "JPEG", quality=95)
            truth.append({**base, "file": f"{ft}-rotated.jpg", "kind": "rotated"})
        stats = which == "tune2" and f["form_type"] in STATS_FORMS
        if stats:
            truth += hard_photos(f, words, rng, dest, base, n)
        fax = n % 2 == SEEDS[which] % 2
        dpi_rng = random.Random(f"{SEEDS[which]}-{ft}-dpi")
        for fax in ((fax, not fax) if which == "calib" or stats else (fax,)):     # calib: both a scan and a fax
            dpi = dpi_rng.choice((200, 300)) if fax else dpi_rng.choice((150, 200, 300))
            scans = [scan(p, words[i], f, rng, i == 0, fax, dpi, 3 if stats else 0) for i, p in enumerate(f["pages"])]
            kind = "fax" if fax else "scan"
            save_pdf([s for s, _ in scans], dest / f"{ft}-{kind}.pdf", dpi=scans[0][1])
            truth.append({**base, "file": f"{ft}-{kind}.pdf", "kind": kind})
    # two forms side by side in one photo (the 自查表 and the 督导检查表 of one visit)
    pair = [f for f in forms if f["name"] in ("self_check", "supervision_check")]
    rng = random.Random(f"{SEEDS[which]}-pair")
    photo([f["pages"][0] for f in pair], rng, side=2048, max_tilt=12).save(dest / "pair-photo2.jpg", "JPEG",
                                                                             quality=95)
    truth.append({"set": which, "file": "pair-photo2.jpg", "kind": "photo2", "pages": 1,
                  "records": [{k: f[k] for k in ("form_type", "header", "data")} for f in pair]})
    if which == "tune2":        # two statistics tables in one photo, twice
        for i, names in enumerate((("campaign_stats", "major_hazard_list"), ("inspection_stats", "campaign_stats"))):
            two = [next(f for f in forms if f["name"] == nm) for nm in names]
            rng = random.Random(f"{SEEDS[which]}-stats-pair{i}")
            name = f"stats{i + 1}-photo2.jpg"
            photo([f["pages"][0] for f in two], rng, side=rng.choice((1280, 2048)), max_tilt=15).save(
                dest / name, "JPEG", quality=95)
            truth.append({"set": which, "file": name, "kind": "photo2", "pages": 1,
                          "records": [{k: f[k] for k in ("form_type", "header", "data")} for f in two]})
    with open(dest / "truth.jsonl", "w", encoding="utf-8") as fh:
        for line in truth:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return truth


def main() -> None:
    ap = argparse.ArgumentParser(description="生成难识别的照片与盖章扫描件（含真值）")
    ap.add_argument("--set", choices=(*SEEDS, "all"), default="all")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    for which in (tuple(SEEDS) if a.set == "all" else (a.set,)):
        lines = make(which, a.out)
        size = sum(p.stat().st_size for p in (a.out / which).iterdir())
        print(f"{which}：{len(lines)} 个文件，{size / 1e6:.1f} MB → {a.out / which}")


if __name__ == "__main__":
    main()
