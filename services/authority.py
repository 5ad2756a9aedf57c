"""The 执法机关 settings (templates/authority.yaml) that administrators edit on a page: the organ's names and
document codes, and the default 整改期限. Values are checked, written into the file in place (its comments
and the other keys kept as they are), and the change is audit-logged with before/after."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from generators.documents import DEFAULT_CONFIG
from ledger.audit import audit
from ledger.db import transaction
from schema.errors import PaichaError
from services.ledgers import Ledger

# dotted key → the label users see
FIELDS = {
    "name": "机关全称", "short_name": "简称（文书抬头与编号）", "government": "行政复议机关",
    "court": "行政诉讼管辖法院", "filing": "备案单位",
    "codes.order": "指令书代字", "codes.recheck": "复查意见书代字", "codes.record": "检查记录代字",
    "codes.decision": "决定书代字", "default_deadline_days": "默认整改期限（日）",
}
MAX_TEXT = 40
MAX_DAYS = 365
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class SettingsError(PaichaError):
    code = "settings"


@dataclass
class Saved:
    changed: dict[str, tuple]               # key → (before, after)


def current(path: Path = DEFAULT_CONFIG) -> dict[str, str]:
    """The editable values as text, by dotted key."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {key: "" if _get(data, key) is None else str(_get(data, key)) for key in FIELDS}


def save(ledger: Ledger, values: dict[str, str], actor: str = "本机", ip: str = "",
         path: Path = DEFAULT_CONFIG) -> Saved:
    """Check and write the given values (keys of FIELDS; others refused); nothing is written when one is
    wrong. The file is replaced whole, atomically, inside the audit row's transaction."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise SettingsError(f"不能修改的设置：{'、'.join(sorted(unknown))}", code="unknown")
    clean = {key: _checked(key, value) for key, value in values.items()}
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    before = current(path)
    changed = {k: (before[k], str(v)) for k, v in clean.items() if before[k] != str(v)}
    if not changed:
        return Saved({})
    for key, value in clean.items():
        text = _replace(text, key, value)
    written = yaml.safe_load(text)
    if not all(str(_get(written, k)) == str(v) for k, v in clean.items()):
        raise SettingsError("配置文件格式与预期不同，未能修改，请在服务器上直接编辑", code="format")
    with transaction(ledger.con):
        audit(ledger.con, actor, "settings_changed", ("settings", "authority"),
              {k: b for k, (b, _) in changed.items()}, {k: a for k, (_, a) in changed.items()}, ip)
        tmp = path.with_name(path.name + ".part")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return Saved(changed)


def _checked(key: str, value) -> str | int:
    label = FIELDS[key]
    text = " ".join(str(value or "").split())
    if key == "default_deadline_days":
        if not text.isdigit() or not 1 <= int(text) <= MAX_DAYS:
            raise SettingsError(f"{label}应为 1 至 {MAX_DAYS} 之间的整数", code="invalid")
        return int(text)
    if not text:
        raise SettingsError(f"请填写{label}", code="invalid")
    if len(text) > MAX_TEXT or _CONTROL.search(text):
        raise SettingsError(f"{label}过长或含有不可见字符（最多 {MAX_TEXT} 字）", code="invalid")
    return text


def _replace(text: str, key: str, value) -> str:
    """The file's line for `key` (a top-level key, or one under its section) with its value replaced; the
    line's comment kept. A string is written double-quoted (any character is then plain text to YAML)."""
    *section, name = key.split(".")
    shown = str(value) if isinstance(value, int) else '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
    lines = text.splitlines(keepends=True)
    inside = not section
    for i, line in enumerate(lines):
        if section and re.match(rf"{re.escape(section[0])}:\s*(#.*)?$", line):
            inside = True
            continue
        if section and inside and line.strip() and not line.startswith((" ", "\t")):
            break                                           # the section has ended
        indent = r"\s+" if section else ""
        m = re.match(rf"^({indent}{re.escape(name)}:\s*)(\"(?:[^\"\\]|\\.)*\"|[^#\n]*?)(\s+#.*)?(\r?\n)?$", line) \
            if inside else None
        if m:
            lines[i] = m[1] + shown + (m[3] or "") + (m[4] or "")
            return "".join(lines)
    raise SettingsError(f"配置文件中找不到“{FIELDS[key]}”", code="missing")


def _get(data: dict, key: str):
    for part in key.split("."):
        data = data.get(part) if isinstance(data, dict) else None
    return data
