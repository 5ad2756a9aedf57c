"""直报: a return uploaded by a 填报单位 (or an 企业) is that unit's (that enterprise's), whatever the form
says. attribute(record, to) rewrites the record before it is stored, so supersede, statistics and hazards
all count it for the uploader; a form that names someone else keeps a `unit_mismatch` warning (with what
was written), which the review queue shows."""
from __future__ import annotations

from ledger.aggregate import unit_name
from schema.keys import enterprise_key

MISMATCH = "unit_mismatch"


def attribute(rec: dict, to: dict | None) -> dict:
    """`to`: {"unit": 填报单位} or {"enterprise": name} (None: the record as it is). Changes `rec` in place."""
    if not to:
        return rec
    if to.get("unit"):
        header = rec.setdefault("header", {})
        _set(rec, header, "reporting_unit", to["unit"], "填报单位", unit_name)
    if to.get("enterprise"):
        ent = (rec.get("data") or {}).get("enterprise")
        if isinstance(ent, dict):               # 自查表 and the like: the enterprise the form is about
            _set(rec, ent, "name", to["enterprise"], "企业名称", enterprise_key, "data.enterprise.name")
        header = rec.setdefault("header", {})
        header["reporting_unit"] = to["enterprise"]     # the enterprise reports for itself
    return rec


def _set(rec: dict, block: dict, key: str, value: str, label: str, same, path: str | None = None) -> None:
    written = block.get(key)
    block[key] = value
    if written and same(str(written)) != same(value):
        rec.setdefault("warnings", []).append({
            "field": path or f"header.{key}", "code": MISMATCH, "written": written,
            "message": f"表内{label}为“{written}”，与上传账户的单位“{value}”不一致，已按上传单位记录"})
