"""Safe by default: loopback only until an administrator account exists (then every page asks for a login,
web/auth.py), CSRF tokens on every state-changing request, security headers.

CSRF: the token lives in the signed session cookie (Starlette's SessionMiddleware, itsdangerous); a
state-changing request carries it in the X-CSRF-Token header (htmx: hx-headers on <body>) or in the form
field csrf_token. For a multipart upload the field must be the form's first part (base.html's forms
put it first), so the token is checked before any file byte reaches the application.
"""
from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schema.errors import PaichaError

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_FORM_BYTES = 1024 * 1024            # a urlencoded form is read whole to find its token
MAX_FIRST_PART_BYTES = 16 * 1024        # the multipart part holding the token comes first and is small

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
LOOPBACK_NAMES = {"localhost"}
WILDCARDS = {"0.0.0.0", "::", "[::]"}          # listen on every address


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_host(host: str, has_admin: bool = False, allowed: tuple[str, ...] = ()) -> None:
    """Serve beyond this computer only once an administrator account exists (every page then asks for a
    login), and on a wildcard address only once the names other computers use are known."""
    if is_loopback(host):
        return
    if not has_admin:
        raise PaichaError(f"拒绝在 {host} 上启动：台账中还没有管理员账户，工作台只能在本机（127.0.0.1）使用。"
                          "要让其他电脑访问，需要先建立管理员账户：cli.py user add 账户名 --role 管理员 "
                          "--password-stdin", code="host")
    if host in WILDCARDS and not allowed:
        raise PaichaError(f"拒绝在 {host} 上启动：请用 --allowed-hosts 或环境变量 PAICHA_ALLOWED_HOSTS 列出其他电脑"
                          "访问本机所用的地址或域名（如 192.168.1.10,paicha.example.cn）", code="host")


def allowed_hosts(host: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Host header values accepted (a DNS-rebinding page cannot reach the server by another name)."""
    names = {"127.0.0.1", "localhost", "[::1]", "::1", *extra}
    if host not in WILDCARDS:
        names.add(host)
    return sorted(names)


def csrf_token(request: Request) -> str:
    """This session's token, created on first use."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = request.session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return token


class SecurityHeaders:
    """Adds the security headers to every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in HEADERS if h[0] not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CSRFProtect:
    """Lets a state-changing request through only with this session's token; else 403 (a Chinese page).

    Must run inside the session middleware. The body bytes read to find the token are replayed to the app."""

    def __init__(self, app: ASGIApp, forbidden: ASGIApp):
        self.app = app
        self.forbidden = forbidden     # the 403 response app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            return await self.app(scope, receive, send)
        expected = scope.get("session", {}).get(CSRF_FIELD)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given, replay = headers.get(CSRF_HEADER), []
        if given is None:
            given, replay = await _token_from_body(headers.get("content-type", ""), receive)
        if not expected or not given or not hmac.compare_digest(str(expected), str(given)):
            return await self.forbidden(scope, receive, send)
        await self.app(scope, _replaying(replay, receive), send)


async def _token_from_body(content_type: str, receive: Receive) -> tuple[str | None, list[Message]]:
    """The form field csrf_token read from the start of the body, and the messages read (to replay)."""
    ctype = content_type.split(";")[0].strip().lower()
    read: list[Message] = []
    buffer = b""
    if ctype == "application/x-www-form-urlencoded":
        while True:
            message = await receive()
            read.append(message)
            buffer += message.get("body", b"")
            if len(buffer) > MAX_FORM_BYTES:
                return None, read
            if not message.get("more_body"):
                break
        values = parse_qs(buffer.decode("latin-1"), keep_blank_values=True).get(CSRF_FIELD)
        return (values[0] if values else None), read
    if ctype == "multipart/form-data":
        boundary = _boundary(content_type)
        if not boundary:
            return None, read
        while True:
            token, complete = _first_part_token(buffer, boundary)
            if complete or len(buffer) > MAX_FIRST_PART_BYTES:
                return token, read
            message = await receive()
            read.append(message)
            buffer += message.get("body", b"")
            if not message.get("more_body"):
                token, _ = _first_part_token(buffer, boundary)
                return token, read
    return None, read


def _boundary(content_type: str) -> bytes | None:
    for param in content_type.split(";")[1:]:
        key, _, value = param.strip().partition("=")
        if key.lower() == "boundary" and value:
            return value.strip('"').encode("latin-1")
    return None


def _first_part_token(body: bytes, boundary: bytes) -> tuple[str | None, bool]:
    """(token, decided): the value of the first part when that part is the csrf_token field."""
    start = b"--" + boundary + b"\r\n"
    if len(body) < len(start):
        return None, False
    if not body.startswith(start):
        return None, True
    head_end = body.find(b"\r\n\r\n", len(start))
    if head_end < 0:
        return None, False
    head = body[len(start):head_end].decode("latin-1").lower()
    if f'name="{CSRF_FIELD}"' not in head or "filename=" in head:
        return None, True
    value_end = body.find(b"\r\n--" + boundary, head_end + 4)
    if value_end < 0:
        return None, False
    return body[head_end + 4:value_end].decode("ascii", "replace"), True


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()
    return replay
