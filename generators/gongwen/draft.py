"""Plain-text notice drafts → Gongwen.

A draft is a YAML front-matter block between `---` lines with Chinese keys,
then the body: one paragraph per line (blank lines between paragraphs are
optional), markdown pipe tables, and optionally the attachments' own text,
each introduced by a line `附件1` (its title line, if repeated, is dropped):

    ---
    发文机关: 兴县应急管理局
    发文字号: 兴应急发〔2023〕12号
    标题: 关于开展……的通知
    主送机关: 各乡镇人民政府
    成文日期: 2023年3月2日
    附件:
      - 生产经营单位摸底登记表          # name only: text below `附件1` in the body
      - {名称: 自查表, 表: self_check}    # a form drawn from schema/forms
      - {名称: 清单, 文件: 清单.docx}      # a .docx or .md appended
    抄送: [县委办, 县政府办]
    印发机关: 兴县应急管理局办公室
    印发日期: 2023年3月2日
    ---
    为……，现将有关事项通知如下：
    一、……

Pipe-table cells `<` and `^` merge a cell with its left / upper neighbour.
Every problem is collected and reported at once (DraftError).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import yaml

from generators.gongwen.model import Attachment, BodyTable, Gongwen
from schema.dates import date_parts, date_text
from schema.errors import DraftError
from schema.numerals import has_cn_numeral

KEYS = {
    "发文机关": "organs", "发文机关标志": "organ_mark", "发文字号": "doc_number", "签发人": "signers",
    "份号": "copy_no", "密级": "secret", "紧急程度": "urgency", "标题": "title", "主送机关": "recipients",
    "署名": "signature", "成文日期": "date", "盖章": "sealed", "附注": "note", "附件": "attachments",
    "抄送": "cc", "印发机关": "printer", "印发日期": "print_date", "版式": "profile",
}
ATTACHMENT_KEYS = {"名称", "文件", "表"}
DOC_NUMBER_RE = re.compile(r"^.+〔\d{4}〕[1-9]\d*号$")
ATTACH_LINE_RE = re.compile(r"^附件\s*(\d+)\s*[:：]?$")
TABLE_SEP_RE = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-*:?\s*)*\|?$")


def parse_date(value, label: str, problems: list[str]) -> dt.date | None:
    """A 公文 date; adds a Chinese problem (with the correct spelling when known) on error."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    if has_cn_numeral(s):
        problems.append(f"{label}“{s}”应使用阿拉伯数字，如 2023年3月2日")
        return None
    parts = date_parts(s)
    if not isinstance(parts, tuple) or parts[2] is None:
        problems.append(f"{label}“{s}”格式不对，应写作 2023年3月2日")
        return None
    try:
        good = dt.date(*parts)
    except ValueError:
        problems.append(f"{label}“{s}”不是有效日期")
        return None
    if s == date_text(good):
        return good
    padded = re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", s)
    problems.append(f"{label}“{s}”{'不应有虚位 0，' if padded else ''}应写作 {date_text(good)}")
    return None


def doc_number_problem(s: str) -> str | None:
    """Why a 发文字号 is malformed (None when it is fine)."""
    if DOC_NUMBER_RE.match(s):
        return None
    why = []
    if re.search(r"[\[【(（]\s*\d{4}\s*[\]】)）]", s):
        why.append("年份应置于六角括号〔〕内，不能用 [] 【】 或 （）")
    elif "〔" not in s or "〕" not in s:
        why.append("年份应置于六角括号〔〕内")
    if re.search(r"〔\d{2}〕|[\[【(（]\d{2}[\]】)）]", s):
        why.append("年份应写全四位")
    if "第" in s:
        why.append("序号前不加“第”字")
    if re.search(r"[〕\]】)）]\s*0\d*号", s):
        why.append("序号不编虚位（不加前导 0）")
    if not s.endswith("号"):
        why.append("应以“号”结尾")
    good = re.sub(r"[\[【(（]\s*(\d{4})\s*[\]】)）]", r"〔\1〕", s)
    good = re.sub(r"第\s*", "", good)
    good = re.sub(r"〕0+(\d)", r"〕\1", good)
    hint = f"，应写作 {good}" if good != s and DOC_NUMBER_RE.match(good) else ""
    return f"发文字号“{s}”格式不对：{'；'.join(why) or '应形如 机关代字〔2023〕15号'}{hint}"


def _str_list(v) -> list[str]:
    if v is None or v == "":
        return []
    if isinstance(v, (list, tuple)):
        return [str(x).strip() for x in v if str(x).strip()]
    return [x.strip() for x in re.split(r"[，,、]", str(v)) if x.strip()]


def _form_types() -> set[str]:
    from schema.spec import all_specs
    return {s.form_type for s in all_specs()}


def _form_title(form_type: str) -> str:
    from schema.spec import load_spec
    return load_spec(form_type).title


# --- body -----------------------------------------------------------------------------------

def _split_row(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def pipe_table(lines: list[str]) -> BodyTable:
    """A markdown pipe table; rows before the --- separator are header rows; `<` / `^` merge cells."""
    rows, header = [], 0
    for ln in lines:
        if TABLE_SEP_RE.match(ln.strip()):
            header = len(rows)
            continue
        rows.append(_split_row(ln))
    n = max(len(r) for r in rows) if rows else 0
    rows = [r + [""] * (n - len(r)) for r in rows]
    merges, covered = [], set()
    for r in range(len(rows)):
        for c in range(n):
            if (r, c) in covered or rows[r][c] in ("<", "^"):
                continue
            cs = 1
            while c + cs < n and rows[r][c + cs] == "<":
                cs += 1
            rs = 1
            while r + rs < len(rows) and all(rows[r + rs][c + k] == "^" for k in range(cs)):
                rs += 1
            if rs > 1 or cs > 1:
                merges.append((r, c, rs, cs))
                for i in range(r, r + rs):
                    for j in range(c, c + cs):
                        covered.add((i, j))
    for r in range(len(rows)):
        rows[r] = ["" if v in ("<", "^") else v for v in rows[r]]
    return BodyTable(rows=rows, header_rows=header if header else 1, merges=merges)


def parse_blocks(text: str) -> list:
    """Body text → [str | BodyTable]: one paragraph per non-empty line, pipe tables as tables."""
    blocks: list = []
    table: list[str] = []
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            blocks.append(pipe_table(table))
            table = []
        if line:
            blocks.append(line)
    return blocks


def _split_attachments(blocks: list) -> tuple[list, dict[int, list]]:
    """Main body and the inline content of each `附件N` section."""
    main, parts, cur = [], {}, None
    for b in blocks:
        m = ATTACH_LINE_RE.match(b) if isinstance(b, str) else None
        if m:
            cur = int(m.group(1))
            parts[cur] = []
            continue
        (parts[cur] if cur is not None else main).append(b)
    return main, parts


def read_attachment_file(path: Path) -> list:
    """A .md/.txt attachment's blocks (a .docx is appended as-is by the renderer)."""
    return parse_blocks(path.read_text(encoding="utf-8"))


# --- the draft --------------------------------------------------------------------------------

def split_front_matter(text: str) -> tuple[str, str]:
    text = text.lstrip("\ufeff")
    m = re.match(r"^\s*---[ \t]*\n(.*?)\n---[ \t]*(?:\n|$)(.*)$", text, re.S)
    if not m:
        raise DraftError(["草稿开头缺少用 --- 包围的文件信息（发文机关、发文字号、标题、成文日期等）"])
    return m.group(1), m.group(2)


def parse_draft(text: str, base_dir: Path) -> Gongwen:
    """Parse and validate a draft; raises DraftError listing every problem."""
    head, body = split_front_matter(text)
    problems: list[str] = []
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"第 {mark.line + 2} 行" if mark else ""
        raise DraftError([f"文件信息{where}写法有误（YAML 格式）：{getattr(e, 'problem', e)}"])
    if not isinstance(meta, dict):
        raise DraftError(["文件信息应为“键: 值”的形式"])
    for k in meta:
        if k not in KEYS:
            problems.append(f"未知的文件信息项“{k}”（可用：{'、'.join(KEYS)}）")

    def s(key: str) -> str:
        v = meta.get(key)
        return "" if v is None else str(v).strip()

    organs = _str_list(meta.get("发文机关")) if isinstance(meta.get("发文机关"), list) else [s("发文机关")] if s("发文机关") else []
    if not organs:
        problems.append("缺少“发文机关”")
    title = s("标题")
    if not title:
        problems.append("缺少“标题”")
    if "成文日期" not in meta or not s("成文日期"):
        problems.append("缺少“成文日期”")
    date = parse_date(meta.get("成文日期"), "成文日期", problems)
    print_date = parse_date(meta.get("印发日期"), "印发日期", problems)
    number = s("发文字号")
    if number:
        why = doc_number_problem(number)
        if why:
            problems.append(why)
    copy_no = meta.get("份号")
    copy_no = "" if copy_no is None else (f"{copy_no:06d}" if isinstance(copy_no, int) else str(copy_no).strip())
    if copy_no and not re.fullmatch(r"\d{6}", copy_no):
        problems.append(f"份号“{copy_no}”应为 6 位阿拉伯数字")
    sealed = meta.get("盖章", False)
    if not isinstance(sealed, bool):
        sealed = str(sealed).strip() in ("是", "true", "True", "盖", "1")

    blocks = parse_blocks(body)
    main, inline = _split_attachments(blocks)
    if not [b for b in main if isinstance(b, str) or isinstance(b, BodyTable)]:
        problems.append("正文为空")

    attachments: list[Attachment] = []
    raw_att = meta.get("附件") or []
    if not isinstance(raw_att, list):
        raw_att = [raw_att]
    forms = None
    for i, a in enumerate(raw_att, 1):
        if isinstance(a, dict):
            for k in a:
                if k not in ATTACHMENT_KEYS:
                    problems.append(f"附件{i}：未知的项“{k}”（可用：名称、文件、表）")
            name = str(a.get("名称") or "").strip()
            att = Attachment(name=name)
            if a.get("文件"):
                f = Path(str(a["文件"]))
                f = f if f.is_absolute() else base_dir / f
                if not f.exists():
                    problems.append(f"附件{i}：找不到文件 {a['文件']}")
                elif f.suffix.lower() not in (".docx", ".md", ".txt"):
                    problems.append(f"附件{i}：文件 {a['文件']} 应为 .docx 或 .md")
                else:
                    att.file = f
                    if f.suffix.lower() != ".docx":
                        att.blocks = read_attachment_file(f)
            if a.get("表"):
                forms = forms if forms is not None else _form_types()
                ft = str(a["表"]).strip()
                if ft not in forms:
                    problems.append(f"附件{i}：未知的表类型“{ft}”（可用：{'、'.join(sorted(forms))}）")
                else:
                    att.form = ft
                    if not name:
                        att.name = name = _form_title(ft)
            if not name:
                problems.append(f"附件{i}：缺少“名称”")
        else:
            att = Attachment(name=str(a).strip())
        extra = inline.get(i, [])
        if extra and isinstance(extra[0], str) and extra[0].strip() == att.name:
            extra = extra[1:]
        att.blocks = att.blocks + extra
        attachments.append(att)
    for n in inline:
        if n > len(raw_att):
            problems.append(f"正文中有“附件{n}”，但文件信息的“附件”只列了 {len(raw_att)} 个")

    signers = _str_list(meta.get("签发人"))
    if problems:
        raise DraftError(problems)
    return Gongwen(
        organs=organs, doc_number=number, title=title, recipients=s("主送机关").rstrip("：:"),
        body=main, signature=_str_list(meta.get("署名")) or list(organs), date=date, sealed=bool(sealed),
        signers=signers, copy_no=copy_no, secret=s("密级"), urgency=s("紧急程度"), organ_mark=s("发文机关标志"),
        note=s("附注"), attachments=attachments, cc=_str_list(meta.get("抄送")), printer=s("印发机关"),
        print_date=print_date, profile=s("版式") or "gbt9704",
    )
