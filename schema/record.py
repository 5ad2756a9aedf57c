"""One record per form instance, exactly as SCHEMA.md describes."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

SCHEMA_VERSION = 1
# raw in a JSON string, these break a line for str.splitlines() readers (NEL, U+2028/9) or a strict UTF-8 writer
_JSONL_ESCAPE = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


@dataclass
class Record:
    form_type: str
    form_title: str = ""
    header: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def warn(self, field_path: str, code: str, message: str, **extra: Any) -> None:
        """Add a warning; never changes a value."""
        self.warnings.append({"field": field_path, "code": code, "message": message, **extra})

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "form_type": self.form_type,
            "form_title": self.form_title,
            "header": self.header,
            "data": self.data,
            "warnings": self.warnings,
        }

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> "Record":
        return cls(
            form_type=obj["form_type"],
            form_title=obj.get("form_title", ""),
            header=obj.get("header", {}),
            data=obj.get("data", {}),
            source=obj.get("source", {}),
            warnings=obj.get("warnings", []),
        )


def error_line(source: dict[str, Any], code: str, message: str) -> dict[str, Any]:
    """The JSONL object for a file that gave no record."""
    return {"source": source, "error": {"code": code, "message": message}}


def outcome_line(source: dict[str, Any], code: str, message: str) -> dict[str, Any]:
    """The JSONL object for a file read without error that gave no record: code "no_table"
    (no table in it) or "own_output" (a file paicha wrote, skipped)."""
    return {"source": source, "outcome": {"code": code, "message": message}}


def jsonl_line(obj: Any) -> str:
    """One JSONL line (no newline): UTF-8 text as is, but NEL, U+2028/U+2029 and lone surrogates as \\u escapes,
    so the line is one line for any reader and always encodes as UTF-8."""
    return _JSONL_ESCAPE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False))


def leaf_fields(value: Any, prefix: str = "") -> dict[str, Any]:
    """{"data.rows[0].unit": …}: every leaf of a record part by its dotted path (lists of scalars stay whole)."""
    out: dict[str, Any] = {}
    if isinstance(value, dict):
        for k, v in value.items():
            out.update(leaf_fields(v, f"{prefix}.{k}" if prefix else k))
    elif isinstance(value, list) and value and all(isinstance(v, (dict, list)) for v in value):
        for i, v in enumerate(value):
            out.update(leaf_fields(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = value
    return out
