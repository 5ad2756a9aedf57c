"""Make the PDF, scan and photo samples in samples/returns_pdf/.

    .venv/bin/python samples/make_scans.py

For every form type: draw the filled form (generators.forms.draw_form with the
sample fill data), convert all of them to text PDFs in one LibreOffice batch,
then "scan" each one: render at 200 dpi, stamp a red round seal over the
填报单位 line, rotate 0.5-1.5 degrees, add noise and JPEG loss; save it as a PDF
of page images and as a .jpg. One extra phone-photo-like image (slight
perspective, uneven light). expected.jsonl says what each file was filled with.
Deterministic: the same seed gives the same files.
"""
from __future__ import annotations

import io
import json
import math
import random
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

OUT = ROOT / "samples" / "returns_pdf"
SCAN_DPI = 200
JPEG_QUALITY = 60
SEAL_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SEAL_INK = (214, 34, 44)         # RGB of stamp-pad red
SEAL_OPACITY = 0.8
PHOTO_FORM = "supervision_check"


# --- the fill data ----------------------------------------------------------------------------

FILLS = OUT / "fills.yaml"
SHARED_EXPECTED = ROOT / "samples" / "returns" / "expected.jsonl"   # the Word/Excel sample returns


def fill_data() -> list[dict]:
    """[{form_type, header, data}]: one filled instance per form type.

    The first record of each form type in samples/returns/expected.jsonl when that
    file exists, else samples/returns_pdf/fills.yaml.
    """
    if SHARED_EXPECTED.exists():
        seen: dict[str, dict] = {}
        for line in SHARED_EXPECTED.read_text(encoding="utf-8").splitlines():
            rec = json.loads(line) if line.strip() else None
            plain = rec and not rec.get("variant") and not rec.get("copy_of")
            if plain and rec.get("form_type") not in seen and rec["form_type"] != "unknown":
                seen[rec["form_type"]] = {"form_type": rec["form_type"], "header": rec.get("header", {}),
                                          "data": rec.get("data", {})}
        if seen:
            return list(seen.values())
    import yaml
    fills = yaml.safe_load(FILLS.read_text(encoding="utf-8"))
    for f in fills:
        if f["form_type"] == "self_check" and "marks" in f["data"]:
            f["data"]["items"] = self_check_items(f["data"].pop("marks"))
    return fills


def self_check_items(marks: list) -> list[dict]:
    """The printed 自查表 items (from its spec) with the given self-check marks; check marks mirror them."""
    from schema.spec import load_spec
    items = []
    for g in load_spec("self_check").groups:
        for content in g["items"]:
            mark = marks[len(items)] if len(items) < len(marks) else None
            items.append({"no": len(items) + 1, "category": g["category"], "content": content,
                          "self_result": mark, "check_result": mark})
    return items


# --- scanning effects -------------------------------------------------------------------------

def render_pages(pdf: Path, dpi: int = SCAN_DPI) -> list[Image.Image]:
    """Every page of a PDF as an RGB image."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def seal_centre(pdf: Path, page: int, dpi: int = SCAN_DPI) -> tuple[int, int] | None:
    """Pixel centre of the 填报单位 line (where a unit stamps its seal), or None."""
    import pdfplumber
    with pdfplumber.open(str(pdf)) as doc:
        p = doc.pages[page]
        for label in ("填报单位", "填表单位", "单位名称", "企业名称", "村"):
            hits = p.search(label)
            if hits:
                h = hits[0]
                k = dpi / 72
                return int((h["x1"] + 60) * k), int((h["top"] + h["bottom"]) / 2 * k)
    return None


def stamp_seal(img: Image.Image, centre: tuple[int, int], text: str, radius: int = 150) -> Image.Image:
    """A red round seal (ring, star, text along the rim) multiplied onto the page like ink."""
    size = radius * 2 + 8
    mask = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(mask)
    c = size / 2
    d.ellipse([4, 4, size - 4, size - 4], outline=255, width=max(6, radius // 14))
    star = [(c + (radius * (0.28 if i % 2 else 0.62) * 0.45) * math.sin(math.pi * i / 5),
             c - (radius * (0.28 if i % 2 else 0.62) * 0.45) * math.cos(math.pi * i / 5)) for i in range(10)]
    d.polygon(star, fill=255)
    font = ImageFont.truetype(SEAL_FONT, int(radius * 0.27), index=2)   # Noto Sans CJK SC
    span = math.radians(250)
    for i, ch in enumerate(text):
        a = -span / 2 + span * (i + 0.5) / len(text)
        glyph = Image.new("L", (int(radius * 0.4),) * 2, 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-math.degrees(a), resample=Image.BICUBIC)
        r = radius * 0.72
        x, y = c + r * math.sin(a) - glyph.width / 2, c - r * math.cos(a) - glyph.height / 2
        mask.paste(255, (int(x), int(y)), glyph)
    mask = mask.point(lambda v: int(v * SEAL_OPACITY))
    # ink multiplies: black text under the seal stays black, paper turns red
    page = np.asarray(img, dtype=np.float32) / 255
    x0, y0 = centre[0] - size // 2, centre[1] - size // 2
    m = np.zeros(page.shape[:2], dtype=np.float32)
    sx0, sy0 = max(0, -x0), max(0, -y0)
    px0, py0 = max(0, x0), max(0, y0)
    w = min(size - sx0, page.shape[1] - px0)
    h = min(size - sy0, page.shape[0] - py0)
    m[py0:py0 + h, px0:px0 + w] = np.asarray(mask, dtype=np.float32)[sy0:sy0 + h, sx0:sx0 + w] / 255
    ink = np.array(SEAL_INK, dtype=np.float32) / 255
    page *= 1 - m[..., None] * (1 - ink)
    return Image.fromarray((page * 255).astype(np.uint8))


def scanner_noise(img: Image.Image, rng: random.Random) -> Image.Image:
    """Rotate 0.5-1.5 degrees (either way), grain, then JPEG loss."""
    angle = rng.uniform(0.5, 1.5) * rng.choice((-1, 1))
    img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=(255, 255, 255), expand=False)
    a = np.asarray(img, dtype=np.int16)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 6, a.shape[:2])[..., None]
    img = Image.fromarray(np.clip(a + noise, 0, 255).astype(np.uint8))
    return jpeg_loss(img)


def jpeg_loss(img: Image.Image, quality: int = JPEG_QUALITY) -> Image.Image:
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def phone_photo(img: Image.Image, rng: random.Random) -> Image.Image:
    """A slight perspective warp, light falling off across the page, a little blur."""
    import cv2
    a = np.asarray(img)
    h, w = a.shape[:2]
    j = lambda s: rng.uniform(0.004, 0.015) * s   # noqa: E731
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[j(w), j(h)], [w - j(w), j(h) * 0.5], [w - j(w) * 0.5, h - j(h)], [j(w) * 1.5, h - j(h) * 0.3]])
    a = cv2.warpPerspective(a, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=(120, 110, 100))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 0.62 + 0.38 * (1 - (xx / w) * 0.7) * (1 - ((yy / h) - 0.3) ** 2 * 0.5)
    a = np.clip(a.astype(np.float32) * light[..., None] * np.float32([1.0, 0.98, 0.93]), 0, 255).astype(np.uint8)
    img = Image.fromarray(a).filter(ImageFilter.GaussianBlur(0.8))
    return jpeg_loss(img, 80)


def forms_to_pdf(fills: list[dict], names: list[str], out: Path) -> dict[str, Path]:
    """Each fill's form drawn with its values (generators.forms) and turned into out/NAME.pdf by one
    LibreOffice run; {name: pdf}. A form LibreOffice fails to convert stops the script, named."""
    from generators.forms import draw_form
    from schema.office import convert
    with tempfile.TemporaryDirectory(prefix="paicha-forms-") as tmp:
        docs = {}
        for f, name in zip(fills, names):
            docs[name] = Path(tmp) / f"{name}.docx"
            draw_form(f["form_type"], docs[name], f["data"], f["header"])
        pdfs = convert(list(docs.values()), "pdf", out)
        missing = [d.name for d in docs.values() if d not in pdfs]
        if missing:
            raise SystemExit(f"LibreOffice 未能转换：{', '.join(missing)}")
        return {name: pdfs[docx] for name, docx in docs.items()}


def save_image_pdf(pages: list[Image.Image], path: Path, dpi: int = SCAN_DPI) -> None:
    """A PDF made only of page images (no text layer), as a scanner writes it."""
    pages[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])


# --- the whole set ----------------------------------------------------------------------------

def make(out: Path = OUT, seed: int = 20230305) -> list[dict]:
    """Write every sample and expected.jsonl; returns the expected lines."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    fills = fill_data()
    expected: list[dict] = []
    pdfs = forms_to_pdf(fills, [f["form_type"] for f in fills], out)
    for f in fills:
        pdf = pdfs[f["form_type"]]
        ent = f["data"].get("enterprise")
        unit = f["header"].get("reporting_unit") or (ent.get("name") if isinstance(ent, dict) else ent)
        pages = render_pages(pdf)
        scans = []
        for i, page in enumerate(pages):
            centre = seal_centre(pdf, i)
            if centre is not None and i == 0:
                page = stamp_seal(page, centre, (unit or "安全生产检查专用章")[:14])
            scans.append(scanner_noise(page, rng))
        stem = f["form_type"]
        save_image_pdf(scans, out / f"{stem}-scan.pdf")
        scans[0].save(out / f"{stem}-scan.jpg", "JPEG", quality=JPEG_QUALITY)
        base = {"form_type": stem, "header": f["header"], "data": f["data"], "pages": len(pages)}
        expected += [{**base, "file": pdf.name, "format": "pdf"},
                     {**base, "file": f"{stem}-scan.pdf", "format": "pdf-scan"},
                     {**base, "file": f"{stem}-scan.jpg", "format": "image", "pages": 1}]
        if stem == PHOTO_FORM:
            phone_photo(render_pages(pdf)[0], rng).save(out / f"{stem}-photo.jpg", "JPEG", quality=85)
            expected.append({**base, "file": f"{stem}-photo.jpg", "format": "image", "pages": 1})
    with open(out / "expected.jsonl", "w", encoding="utf-8") as fh:
        for line in expected:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return expected


if __name__ == "__main__":
    lines = make()
    total = sum(p.stat().st_size for p in OUT.iterdir())
    print(f"已生成 {len(lines)} 个样本到 {OUT}（共 {total / 1e6:.1f} MB）")
