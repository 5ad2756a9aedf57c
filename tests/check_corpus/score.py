"""False-alarm and miss rates of `check` on the labelled set (build.py + labels.yaml).

A reported finding is false when its rule id is not among the document's labels; a label is missed when
no finding carries its rule id.
"""
from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import yaml

from generators.gongwen.check import check_file
from generators.office import convert
from schema.errors import InputError
from tests.check_corpus.build import build_all

LABELS = Path(__file__).with_name("labels.yaml")


def labels() -> dict[str, list[str]]:
    return yaml.safe_load(LABELS.read_text(encoding="utf-8"))


# the parts of the set: tuned on, the second look (held back, then tuned on), the third look (held out, never tuned
# on), the fourth and fifth looks (each written after the previous fixes, measured once before any fix)
GROUPS = {"tuned": "", "held-back h_*": "h_", "held-out n_*": "n_", "fourth look m_*": "m_", "fifth look p_*": "p_"}


def group_of(name: str) -> str:
    return next(g for g, prefix in reversed(GROUPS.items()) if name.startswith(prefix))


def score(out_dir: Path, docs: dict | None = None) -> dict:
    """{"docs", "reported", "false", "labels", "missed", "false_rate", "miss_rate", "per_doc": {name: (false rules, missed)},
    "groups": {group: the same for its documents}} (docs: the set already built, {name: path}; else built here).
    A document `check` refuses counts as nothing found (its labels missed), per_doc notes the refusal."""
    want = labels()
    docs = docs or build_all(out_dir)
    assert set(docs) == set(want), set(docs) ^ set(want)
    found = {}
    legacy = [p for p in docs.values() if p.suffix.lower() in (".doc", ".wps")]
    with tempfile.TemporaryDirectory(prefix="check-corpus-") as tmp:
        # .doc files converted in one LibreOffice call, as check_file converts one (tested on its own)
        converted = convert(legacy, "docx", Path(tmp)) if legacy else {}
        for name, path in docs.items():
            try:
                found[name] = Counter(p.rule for p in check_file(converted.get(path, path)))
            except InputError as e:
                found[name] = Counter({f"refused（{e.code}）": 0})
    out = _counts(want, found)
    out["groups"] = {g: _counts(want, {n: f for n, f in found.items() if group_of(n) == g}) for g in GROUPS}
    return out


def _counts(want: dict, found: dict) -> dict:
    reported = false = n_labels = missed = 0
    per_doc = {}
    for name, rules in found.items():
        bad = {r: n for r, n in rules.items() if r not in want[name]}
        miss = [r for r in want[name] if r not in rules]
        reported += sum(rules.values())
        false += sum(bad.values())
        n_labels += len(want[name])
        missed += len(miss)
        if bad or miss:
            per_doc[name] = (bad, miss)
    return {"docs": len(found), "reported": reported, "false": false, "labels": n_labels, "missed": missed,
            "false_rate": false / reported if reported else 0.0, "miss_rate": missed / n_labels if n_labels else 0.0,
            "per_doc": per_doc}


def text_lines(path: Path) -> list[str]:
    """A .docx's non-empty paragraphs (tables included), whitespace removed, with the normalisations `format`
    is documented to make (发文字号, dates, the 主送's colon)."""
    import re
    import zipfile

    from lxml import etree

    from generators.gongwen.check import DOCNUM_RE, fix_doc_number, fix_numeric_date
    from schema.dates import fix_dates
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as z:
        root = etree.fromstring(z.read("word/document.xml"))
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        targets = {x.get("Id"): x.get("Target") for x in rels}
        # page headers first: a letterhead (a 信函's 标志, a Word template's) is text of the document too
        ids = dict.fromkeys(h.get(f"{r}id") for h in root.iter(f"{w}headerReference"))
        parts = [etree.fromstring(z.read("word/" + targets[i].lstrip("/").removeprefix("word/")))
                 for i in ids if i in targets]
    out = []
    for p in (p for part in parts + [root] for p in part.iter(f"{w}p")):
        t = re.sub(r"\s", "", "".join(x.text or "" for x in p.iter(f"{w}t")))
        if t:
            num, signer = (t.split("签发人", 1) + [None])[:2]
            if DOCNUM_RE.match(num):
                t = fix_doc_number(num) + (f"签发人{signer}" if signer is not None else "")
            if t.startswith("抄送："):       # 抄送 names re-joined with "，" and closed with "。"
                t = "抄送：" + "，".join(n for n in re.split(r"[，,、；;]", t[3:].rstrip("。.")) if n) + "。"
            out.append(re.sub(r":$", "：", fix_dates(fix_numeric_date(t))))
    return out


def kept_in_order(src: Path, out: Path) -> list[str]:
    """The source lines not found, in order, in the formatted text (empty: all text kept)."""
    import re
    stream = "".join(text_lines(out))
    pos = 0
    lines = text_lines(src)
    lost = [x for x in lines if x.startswith("抄送：") and x not in stream]    # the 版记 may be put in order
    for line in (x for x in lines if not x.startswith("抄送：")):
        line = re.sub(r"^(附件：)?\d+[.．]", r"\1", line).replace("附件：", "")   # 附件说明 numbering re-typeset
        found = stream.find(line, pos)
        if found < 0:
            lost.append(line)
        else:
            pos = found + 1
    return lost


def format_score(out_dir: Path, names=None) -> dict:
    """`format` on the set's 公文 (kind other than "other"): formatted without options, passing `check`, text
    kept, its kind kept (a draft without 版头 becomes a 文件), format(format(x)) == format(x) (document.xml byte
    for byte); {"drafts", "formatted", "passing", "text_kept", "kind_kept", "idempotent", "per_doc": {name: note}}."""
    import zipfile

    from generators.gongwen.check import PRINT_LINE_RE, DocxView, as_docx, find_parts
    from generators.gongwen.reformat import format_document
    from schema.errors import InputError
    out_dir = Path(out_dir)
    (out_dir / "formatted").mkdir(parents=True, exist_ok=True)
    docs = build_all(out_dir)
    res = {"drafts": 0, "formatted": 0, "passing": 0, "text_kept": 0, "kind_kept": 0, "idempotent": 0, "per_doc": {}}
    legacy = [p for n, p in docs.items() if p.suffix.lower() in (".doc", ".wps") and (not names or n in names)]
    converted = convert(legacy, "docx", out_dir / "converted") if legacy else {}      # to read; format converts its own
    for name, path in docs.items():
        if names and name not in names:
            continue
        with as_docx(converted.get(path, path)) as src_docx:
            src = find_parts(DocxView(src_docx))
            if src.kind == "other":
                continue
            res["drafts"] += 1
            try:
                out = format_document(path, out_dir / "formatted" / f"{name}.docx")
            except InputError as e:
                res["per_doc"][name] = f"refused: {e}"
                continue
            lost = kept_in_order(src_docx, out)
        res["formatted"] += 1
        problems = sorted({p.rule for p in check_file(out)})
        got = find_parts(DocxView(out))
        if got.kind == "xinhan":        # a 信函's 印发 line is dropped (10.1: its 版记 has none)
            lost = [x for x in lost if not PRINT_LINE_RE.match(x)]
        same = lambda a, b: "".join(q.text.strip() for q in a) == "".join(q.text.strip() for q in b)  # noqa: E731
        if not same(src.title, got.title) or (src.mark and not same(src.mark, got.mark)):
            lost.append("标题或发文机关标志被改动")
        kind = got.kind == (src.kind if src.kind != "draft" else "wenjian")
        twice = format_document(out, out_dir / "formatted" / f"{name}_twice.docx")
        with zipfile.ZipFile(out) as x, zipfile.ZipFile(twice) as y:
            same_twice = x.read("word/document.xml") == y.read("word/document.xml")
        res["passing"] += not problems
        res["text_kept"] += not lost
        res["kind_kept"] += kind
        res["idempotent"] += same_twice
        if problems or lost or not kind or not same_twice:
            res["per_doc"][name] = (f"check {problems} lost {lost[:2]}" + ("" if kind else f" kind {src.kind}→{got.kind}")
                                    + ("" if same_twice else " format(format(x)) ≠ format(x)"))
    return res
