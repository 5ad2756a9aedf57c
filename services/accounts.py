"""Accounts of a multi-unit deployment: users and roles, login with throttling, sessions, the audit log.

Roles (ledger.accounts.ROLES): 管理员 admin (users, roster, settings), 汇总单位 district (every unit),
填报单位 unit (one reporting unit's returns and records), 企业 enterprise (one enterprise's hazards and orders).
A user's `unit` is the reporting unit (填报单位) or the enterprise's name as in the ledger (企业).

Passwords are hashed with argon2id (argon2-cffi's PasswordHasher defaults); a hash made with older
parameters is replaced at the next login. Login failures are counted per typed name and per IP address:
MAX_FAILURES (per name) or MAX_IP_FAILURES (per address) within WINDOW lock that subject for LOCK_TIME;
unknown names are counted like real ones (the answers never tell whether an account exists).
A session is a random token kept in the signed cookie; the ledger keeps only its hash, so logging out,
disabling a user or resetting a password ends the session on the server too.

Every change is written to the audit log (ledger/audit.py) in the change's own transaction. Each
function that changes something takes `actor` (who does it) and `ip`. `now` parameters are the
injectable clock of the tests.
"""
from __future__ import annotations

import csv
import hashlib
import re
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from generators.excel import FORMULA_PREFIXES, write
from ledger import accounts as store
from ledger import audit as log
from ledger.accounts import ROLES
from ledger.db import transaction
from schema.errors import PaichaError
from services.ledgers import Ledger

ADMIN, DISTRICT, UNIT, ENTERPRISE = "admin", "district", "unit", "enterprise"
SEES_ALL = {ADMIN, DISTRICT}                 # roles that see every unit
NEEDS_UNIT = {UNIT, ENTERPRISE}              # roles bound to one unit or enterprise

MAX_FAILURES = 5
MAX_IP_FAILURES = 20          # an office's clerks may share one address
WINDOW = timedelta(minutes=15)
LOCK_TIME = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=4)
SESSION_LIFETIME = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)           # last_seen_at is written at most this often
MIN_PASSWORD = 8
MAX_PASSWORD = 256
MAX_NAME = 64

WRONG_LOGIN = "用户名或密码错误。"
DISABLED_LOGIN = "该账户已停用，请联系管理员。"
LOCAL_ACTOR = "本机"            # the local single-user mode (no accounts yet)

FIELD_LABELS = {"name": "账户", "role": "角色", "unit": "单位", "disabled": "已停用",
                "password_changed_at": "密码设置时间", "reason": "原因"}
OBJECT_LABELS = {"user": "账户"}

HASHER = PasswordHasher()                    # RFC 9106's low-memory argon2id profile (64 MiB, 3 passes)
_dummy_hashes: dict[PasswordHasher, str] = {}  # verified for unknown names: they take as long as real ones
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})")
_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")


class AccountError(PaichaError):
    """A refused account change (unknown user, bad password, last administrator …)."""

    code = "account"


class LoginRefused(PaichaError):
    code = "login"


# --- who is asking: the scope services restrict their results to ----------------------------------

@dataclass(frozen=True)
class Principal:
    """The user behind a request, and what they may see. Services take it as `scope` (None = everything,
    the local single-user mode and the CLI)."""
    user: str                       # account name; "" in the local single-user mode
    role: str                       # a code of ROLES
    unit: str = ""                  # 填报单位: the reporting unit; 企业: the enterprise
    user_id: int | None = None

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    @property
    def actor(self) -> str:
        """The name written in the audit log."""
        return self.user or LOCAL_ACTOR

    @property
    def units(self) -> frozenset[str] | None:
        """The reporting units whose records this user sees; None = all (an enterprise sees none as a unit)."""
        if self.role in SEES_ALL:
            return None
        return frozenset({self.unit}) if self.role == UNIT and self.unit else frozenset()

    @property
    def enterprise(self) -> str | None:
        """The one enterprise of an 企业 account, else None."""
        return self.unit if self.role == ENTERPRISE else None

    def can_see_unit(self, unit: str | None) -> bool:
        return self.units is None or (unit or "") in self.units

    def can_see_enterprise(self, enterprise: str | None, unit: str | None = None) -> bool:
        """An enterprise's data: all-unit roles, the 填报单位 of its unit, the enterprise itself."""
        if self.role == ENTERPRISE:
            return bool(self.unit) and enterprise == self.unit
        return self.can_see_unit(unit)

    def where(self, unit_column: str, enterprise_column: str | None = None) -> tuple[str, tuple]:
        """A SQL condition and its parameters keeping the rows this user may see: `unit_column` holds the
        reporting unit, `enterprise_column` (when the rows belong to enterprises) the enterprise's name.
        Without an enterprise column an 企业 account sees nothing."""
        for column in (unit_column, enterprise_column):
            if column is not None and not _COLUMN.fullmatch(column):
                raise ValueError(f"not a column name: {column!r}")
        if self.role in SEES_ALL:
            return "1 = 1", ()
        if self.role == ENTERPRISE:
            return (f"{enterprise_column} = ?", (self.unit,)) if enterprise_column and self.unit else ("1 = 0", ())
        return (f"{unit_column} = ?", (self.unit,)) if self.unit else ("1 = 0", ())


LOCAL = Principal(user="", role=ADMIN)


def scope_where(scope: Principal | None, unit_column: str, enterprise_column: str | None = None) -> tuple[str, tuple]:
    """Principal.where for a service's optional `scope` (None: every row)."""
    return ("1 = 1", ()) if scope is None else scope.where(unit_column, enterprise_column)


# --- users ---------------------------------------------------------------------------------------

@dataclass
class User:
    id: int
    name: str
    role: str
    unit: str
    disabled: bool
    created_at: str
    updated_at: str
    password_changed_at: str
    last_login_at: str | None = None
    locked_until: str | None = None          # a running login lock

    @property
    def role_label(self) -> str:
        return ROLES[self.role]

    def snapshot(self) -> dict:
        """What the audit log keeps of the user (never the hash)."""
        return {"name": self.name, "role": self.role_label, "unit": self.unit, "disabled": self.disabled,
                "password_changed_at": self.password_changed_at}


def role_code(role: str) -> str:
    """A role as typed (code or Chinese name) → its code."""
    role = (role or "").strip()
    if role in ROLES:
        return role
    for code, label in ROLES.items():
        if role == label:
            return code
    raise AccountError(f"没有“{role}”这种角色，可选：{'、'.join(ROLES.values())}", code="role")


def add_user(ledger: Ledger, name: str, role: str, unit: str, password: str, actor: str = LOCAL_ACTOR,
             ip: str = "", now: datetime | None = None) -> User:
    now = now or datetime.now()
    name, role, unit = _name(name), role_code(role), (unit or "").strip()
    if role in NEEDS_UNIT and not unit:
        raise AccountError(f"{ROLES[role]}账户须指定所属{'单位' if role == UNIT else '企业'}", code="unit")
    if _CONTROL.search(unit) or len(unit) > 200:
        raise AccountError("单位名称含有不可见字符或过长", code="unit")
    hashed = HASHER.hash(_password(password, name))
    con = ledger.con
    with transaction(con):
        if store.get_user(con, name):
            raise AccountError(f"账户“{name}”已存在", code="exists")
        store.insert_user(con, name, role, unit, hashed, now)
        user = _user(con, name)
        log.audit(con, actor, "user_add", ("user", name), None, user.snapshot(), ip, now)
    return user


def list_users(ledger: Ledger, now: datetime | None = None) -> list[User]:
    """Every account, with the login lock running on its name."""
    con = ledger.con
    now = now or datetime.now()
    out = []
    for row in store.list_users(con):
        user = _from_row(row)
        user.locked_until = store.locked_until(con, [f"user:{user.name}"], now)
        out.append(user)
    return out


def get_user(ledger: Ledger, name: str) -> User:
    user = _user(ledger.con, (name or "").strip())
    if user is None:
        raise AccountError(f"没有账户“{name}”", code="not_found")
    return user


def disable_user(ledger: Ledger, name: str, actor: str = LOCAL_ACTOR, ip: str = "",
                 now: datetime | None = None) -> User:
    """The user can no longer log in; their sessions end. The last administrator cannot be disabled."""
    return _set_disabled(ledger, name, True, actor, ip, now or datetime.now())


def enable_user(ledger: Ledger, name: str, actor: str = LOCAL_ACTOR, ip: str = "",
                now: datetime | None = None) -> User:
    return _set_disabled(ledger, name, False, actor, ip, now or datetime.now())


def _set_disabled(ledger: Ledger, name: str, disabled: bool, actor: str, ip: str, now: datetime) -> User:
    con = ledger.con
    with transaction(con):
        before = _existing(con, name)
        if before.disabled == disabled:
            return before
        if disabled and before.role == ADMIN and store.count_admins(con) <= 1:
            raise AccountError("不能停用最后一个管理员账户（否则无人能登录管理）", code="last_admin")
        store.update_user(con, before.id, now, disabled=int(disabled))
        if disabled:
            store.delete_user_sessions(con, before.id)
        after = _user(con, before.name)
        log.audit(con, actor, "user_disable" if disabled else "user_enable", ("user", before.name),
                  before.snapshot(), after.snapshot(), ip, now)
    return after


def reset_password(ledger: Ledger, name: str, password: str, actor: str = LOCAL_ACTOR, ip: str = "",
                   now: datetime | None = None) -> User:
    """A new password set by an administrator: the user's sessions end and a login lock on the name is lifted."""
    now = now or datetime.now()
    con = ledger.con
    user = _existing(con, name)
    hashed = HASHER.hash(_password(password, user.name))
    with transaction(con):
        before = _existing(con, user.name)
        store.update_user(con, before.id, now, password_hash=hashed, password_changed_at=store.stamp(now))
        store.delete_user_sessions(con, before.id)
        store.clear_throttle(con, f"user:{before.name}")
        after = _user(con, before.name)
        log.audit(con, actor, "password_reset", ("user", before.name), before.snapshot(), after.snapshot(), ip, now)
    return after


def known_units(ledger: Ledger) -> list[str]:
    """Reporting units and enterprises the ledger names, offered when an account is added."""
    return store.known_units(ledger.con)


def has_admin(ledger: Ledger) -> bool:
    """Whether an administrator who can log in exists: from then on every page asks for a login."""
    return store.count_admins(ledger.con) > 0


# --- login and sessions ----------------------------------------------------------------------------

def authenticate(ledger: Ledger, name: str, password: str, ip: str, now: datetime | None = None) -> Principal:
    """The user, when the name and password are right and neither the name nor the address is locked;
    else LoginRefused with the Chinese reason. The attempt is written to the audit log."""
    now = now or datetime.now()
    con = ledger.con
    name = (name or "").strip()[:MAX_NAME]
    subjects = [f"user:{name}", f"ip:{ip}"]
    if until := store.locked_until(con, subjects, now):        # locked: not even worth a hash
        raise LoginRefused(_locked_message(until), code="locked")
    row = store.get_user(con, name) if name else None
    good = _verify(row["password_hash"] if row else None, password or "")
    with transaction(con):
        # decided under the write lock: attempts racing in parallel are all counted
        if until := store.locked_until(con, subjects, now):
            verdict = _locked_message(until)
        elif good and row["disabled"]:
            verdict = DISABLED_LOGIN
            log.audit(con, name, "login_failed", ("user", name), None, {"reason": "账户已停用"}, ip, now)
        elif good:
            verdict = None
            changes = {"last_login_at": store.stamp(now)}
            if HASHER.check_needs_rehash(row["password_hash"]):
                changes["password_hash"] = HASHER.hash(password)
            store.update_user(con, row["id"], now, **changes)
            store.clear_throttle(con, subjects[0])
            log.audit(con, name, "login", ("user", name), None, None, ip, now)
        else:
            verdict = WRONG_LOGIN
            store.purge_throttle(con, now, now - WINDOW)
            locked = [store.record_failure(con, subject, now, limit, now - WINDOW, now + LOCK_TIME)
                      for subject, limit in zip(subjects, (MAX_FAILURES, MAX_IP_FAILURES))]
            log.audit(con, name, "login_failed", ("user", name), None, {"reason": "用户名或密码错误"}, ip, now)
            if any(locked):
                log.audit(con, name, "login_locked", ("user", name) if locked[0] else ("ip", ip), None,
                          {"locked_until": store.stamp(now + LOCK_TIME)}, ip, now)
    if verdict:
        raise LoginRefused(verdict)
    return Principal(user=row["name"], role=row["role"], unit=row["unit"], user_id=row["id"])


def start_session(ledger: Ledger, principal: Principal, ip: str, now: datetime | None = None) -> str:
    """A new session for a user who just logged in: the token to keep in the signed cookie."""
    now = now or datetime.now()
    token = secrets.token_urlsafe(32)
    con = ledger.con
    with transaction(con):
        store.purge_sessions(con, now - SESSION_LIFETIME, now - SESSION_IDLE)
        store.insert_session(con, _session_key(token), principal.user_id, now, ip)
    return token


def session_principal(ledger: Ledger, token: Any, now: datetime | None = None) -> Principal | None:
    """The user of a live session, or None (unknown, expired, idle too long, or the user disabled)."""
    if not isinstance(token, str) or not token:
        return None
    now = now or datetime.now()
    con = ledger.con
    key = _session_key(token)
    row = store.session_user(con, key)
    if row is None:
        return None
    if (row["disabled"] or row["session_created_at"] < store.stamp(now - SESSION_LIFETIME)
            or row["last_seen_at"] < store.stamp(now - SESSION_IDLE)):
        store.delete_session(con, key)
        return None
    if row["last_seen_at"] < store.stamp(now - TOUCH_EVERY):
        store.touch_session(con, key, now)
    return Principal(user=row["name"], role=row["role"], unit=row["unit"], user_id=row["id"])


def end_session(ledger: Ledger, token: Any, ip: str = "", now: datetime | None = None) -> None:
    """Log out: the session is gone from the ledger (a copied cookie no longer works)."""
    if not isinstance(token, str) or not token:
        return
    now = now or datetime.now()
    con = ledger.con
    key = _session_key(token)
    with transaction(con):
        row = store.session_user(con, key)
        store.delete_session(con, key)
        if row:
            log.audit(con, row["name"], "logout", ("user", row["name"]), None, None, ip, now)


# --- the audit log ---------------------------------------------------------------------------------

@dataclass
class AuditFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: str = ""                  # ISO date or time, inclusive
    until: str = ""
    limit: int = 1000


@dataclass
class AuditEntry:
    id: int
    at: str
    actor: str
    action: str
    object_type: str
    object_id: str
    before: dict | None
    after: dict | None
    ip: str

    @property
    def action_label(self) -> str:
        return log.ACTION_LABELS.get(self.action, self.action)

    @property
    def object_label(self) -> str:
        kind = OBJECT_LABELS.get(self.object_type, self.object_type)
        return f"{kind} {self.object_id}".strip()

    @property
    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field label, before, after) of the fields that differ."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [(FIELD_LABELS.get(k, k), before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


@dataclass
class AuditList:
    entries: list[AuditEntry]
    actions: dict[str, str] = field(default_factory=dict)     # code → label, for a filter's choices


def audit_entries(ledger: Ledger, filters: AuditFilter | None = None) -> AuditList:
    f = filters or AuditFilter()
    rows = log.entries(ledger.con, actor=f.actor.strip() or None, action=f.action or None,
                       object_type=f.object_type or None, object_id=f.object_id.strip() or None,
                       since=f.since or None, until=f.until or None, limit=f.limit)
    codes = dict.fromkeys([*log.ACTION_LABELS, *log.actions(ledger.con)])
    return AuditList([AuditEntry(**r) for r in rows], {c: log.ACTION_LABELS.get(c, c) for c in codes})


EXPORT_HEADER = ["时间", "操作人", "操作", "对象", "变更前", "变更后", "IP 地址"]


@dataclass
class Exported:
    out: Path
    rows: int


def export_audit(ledger: Ledger, out: Path, filters: AuditFilter | None = None) -> Exported:
    """The audit log (filtered) as .xlsx or .csv (UTF-8 with BOM, for Excel); text never becomes a formula."""
    out = Path(out)
    kind = out.suffix.lower()
    if kind not in (".xlsx", ".csv"):
        raise AccountError("审计日志只能导出为 .xlsx 或 .csv", code="format")
    entries = audit_entries(ledger, replace(filters or AuditFilter(), limit=0)).entries
    rows = [[e.at.replace("T", " "), e.actor, e.action_label, e.object_label, _readable(e.before),
             _readable(e.after), e.ip] for e in entries]
    out.parent.mkdir(parents=True, exist_ok=True)
    if kind == ".csv":
        with open(out, "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(EXPORT_HEADER)
            writer.writerows([[("'" + v) if v.startswith(FORMULA_PREFIXES) else v for v in row] for row in rows])
    else:
        from openpyxl import Workbook
        wb = Workbook()
        ws = wb.active
        ws.title = "审计日志"
        for r, row in enumerate([EXPORT_HEADER, *rows], 1):
            for c, value in enumerate(row, 1):
                write(ws, r, c, value)
        for col, width in zip("ABCDEFG", (20, 14, 12, 24, 40, 40, 16)):
            ws.column_dimensions[col].width = width
        ws.freeze_panes = "A2"
        wb.save(out)
    return Exported(out, len(rows))


def shown(value: Any) -> str:
    """A value of an audit snapshot as users read it: 是/否, times without the ISO "T"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return ""
    return _ISO_TIME.sub(r"\1 \2", str(value))


def _readable(snapshot: dict | None) -> str:
    if not snapshot:
        return ""
    return "；".join(f"{FIELD_LABELS.get(k, k)}：{shown(v)}" for k, v in snapshot.items())


# --- helpers ---------------------------------------------------------------------------------------

def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise AccountError("账户名不能为空", code="name")
    if len(name) > MAX_NAME or _CONTROL.search(name):
        raise AccountError(f"账户名不能超过 {MAX_NAME} 个字，也不能含不可见字符", code="name")
    return name


def _password(password: str, name: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 位", code="password")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"密码不能超过 {MAX_PASSWORD} 位", code="password")
    if password.strip().lower() == name.lower():
        raise AccountError("密码不能与账户名相同", code="password")
    return password


def _verify(hashed: str | None, password: str) -> bool:
    found = hashed is not None
    if not found:
        if HASHER not in _dummy_hashes:
            _dummy_hashes[HASHER] = HASHER.hash(secrets.token_hex(16))
        hashed = _dummy_hashes[HASHER]
    try:
        return HASHER.verify(hashed, password) and found
    except (VerificationError, InvalidHashError):
        return False


def _session_key(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _locked_message(until: str) -> str:
    minutes = int(LOCK_TIME.total_seconds() // 60)
    return f"登录失败次数过多，已暂时锁定（{minutes} 分钟），请在 {until[11:16]} 之后再试，或请管理员重置密码。"


def _from_row(row: dict) -> User:
    return User(id=row["id"], name=row["name"], role=row["role"], unit=row["unit"], disabled=bool(row["disabled"]),
                created_at=row["created_at"], updated_at=row["updated_at"],
                password_changed_at=row["password_changed_at"], last_login_at=row["last_login_at"])


def _user(con: Any, name: str) -> User | None:
    row = store.get_user(con, name)
    return _from_row(row) if row else None


def _existing(con: Any, name: str) -> User:
    user = _user(con, (name or "").strip())
    if user is None:
        raise AccountError(f"没有账户“{name}”", code="not_found")
    return user
