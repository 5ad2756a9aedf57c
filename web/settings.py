"""The workbench's settings: arguments first, then PAICHA_* environment variables, then the defaults.

| setting | environment variable | default |
|---|---|---|
| host | PAICHA_HOST | 127.0.0.1 |
| port | PAICHA_PORT | 8000 |
| data folder (uploads, generated files, secret key) | PAICHA_DATA | paicha-data |
| ledger | PAICHA_LEDGER | <data folder>/台账.db |
| max bytes per uploaded file | PAICHA_UPLOAD_FILE_BYTES | 200 MB (the readers' cap) |
| max bytes per upload request | PAICHA_UPLOAD_REQUEST_BYTES | 1 GB |
| max files per upload request | PAICHA_UPLOAD_FILES | 500 |
| host names other computers use to reach the server (comma-separated) | PAICHA_ALLOWED_HOSTS | none |

Serving beyond this computer (a host other than loopback) needs an administrator account in the ledger and,
for a wildcard address (0.0.0.0, ::), the allowed host names (web/security.check_host).
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from schema.errors import PaichaError

SECRET_FILE = "secret_key"
SECRET_BYTES = 32

DEFAULTS = {
    "host": "127.0.0.1",
    "port": 8000,
    "data_dir": "paicha-data",
    "ledger": "",
    "max_file_bytes": 200 * 1024 * 1024,
    "max_request_bytes": 1024 * 1024 * 1024,
    "max_files": 500,
    "allowed_hosts": "",
}
ENV = {
    "host": "PAICHA_HOST",
    "port": "PAICHA_PORT",
    "data_dir": "PAICHA_DATA",
    "ledger": "PAICHA_LEDGER",
    "max_file_bytes": "PAICHA_UPLOAD_FILE_BYTES",
    "max_request_bytes": "PAICHA_UPLOAD_REQUEST_BYTES",
    "max_files": "PAICHA_UPLOAD_FILES",
    "allowed_hosts": "PAICHA_ALLOWED_HOSTS",
}
INTEGERS = {"port", "max_file_bytes", "max_request_bytes", "max_files"}


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    data_dir: Path
    ledger: str                 # the ledger target given to services.ledgers.open_ledger
    max_file_bytes: int
    max_request_bytes: int
    max_files: int
    allowed_hosts: tuple[str, ...] = ()     # Host header values accepted besides loopback and `host`

    @classmethod
    def load(cls, **given) -> "Settings":
        """Settings from the arguments given (None = not given), else the environment, else the defaults."""
        unknown = set(given) - set(DEFAULTS)
        if unknown:
            raise TypeError(f"unknown settings: {sorted(unknown)}")
        values = {}
        for key, default in DEFAULTS.items():
            value = given.get(key)
            if value is None:
                value = os.environ.get(ENV[key], "").strip() or default
            if key in INTEGERS:
                value = _positive(key, value)
            values[key] = value
        data = Path(values["data_dir"]).resolve()
        values["data_dir"] = data
        values["ledger"] = str(values["ledger"] or data / "台账.db")
        values["allowed_hosts"] = _hosts(values["allowed_hosts"])
        return cls(**values)

    def environ(self) -> dict[str, str]:
        """These settings as the PAICHA_* environment variables Settings.load() reads back (what the worker
        processes of `cli.py serve --workers` are started with)."""
        values = {k: getattr(self, k) for k in ENV}
        values["allowed_hosts"] = ",".join(self.allowed_hosts)
        return {ENV[k]: str(v) for k, v in values.items()}

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "files"

    def secret_key(self) -> str:
        """The session-signing key: generated once, kept (owner-only) in the data folder."""
        path = self.data_dir / SECRET_FILE
        self.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            key = path.read_text(encoding="ascii").strip()
            if len(key) < SECRET_BYTES:
                raise PaichaError(f"{path}：密钥文件内容不完整，请删除后重新启动（将重新生成）", code="config")
            return key
        key = secrets.token_hex(SECRET_BYTES)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key)
        return key


def _hosts(value) -> tuple[str, ...]:
    """Host names from "a, b c" or a list; "*" alone would turn the Host check off, so it is refused."""
    names = value.replace(",", " ").split() if isinstance(value, str) else [str(v).strip() for v in value]
    if "*" in names:
        raise PaichaError("允许的访问地址（PAICHA_ALLOWED_HOSTS）不能是“*”，请列出具体的地址或域名", code="config")
    return tuple(dict.fromkeys(n.lower() for n in names if n))


def _positive(key: str, value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise PaichaError(f"设置 {key}（环境变量 {ENV[key]}）应为正整数（现为“{value}”）", code="config")
    return number
