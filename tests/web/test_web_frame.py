"""The frame: home page, CSRF on every state-changing request, security headers, loopback only."""
from __future__ import annotations

import pytest
from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse

from schema.errors import PaichaError
from web.app import create_app
from web.pages import flash
from web.settings import Settings
from webtools import token


def test_home_page_is_chinese_utf8_with_security_headers(client):
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<meta charset="utf-8">' in page.text
    for text in ("工作台首页", "公文", "回执", "核对", "台账", "指令书", "报表", "未销号隐患", "上传回执"):
        assert text in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert "<script>" not in page.text          # no inline script: the CSP would block it
    assert "samesite=strict" in page.headers["set-cookie"].lower()


def test_post_without_token_is_refused_in_chinese(client):
    for headers in ({}, {"X-CSRF-Token": "forged"}):
        answer = client.post("/jobs/parse", data={"file_id": "0" * 32}, headers=headers)
        assert answer.status_code == 403
        assert "缺少安全令牌" in answer.text
    # a token from another session is no good either
    other = token(client)
    client.cookies.clear()
    answer = client.post("/jobs/parse", data={"file_id": "0" * 32, "csrf_token": other})
    assert answer.status_code == 403


def test_post_with_token_goes_through(client):
    t = token(client)
    # field and header both accepted; the service answers (no such file), not the CSRF guard
    for data, headers in (({"file_id": "0" * 32, "csrf_token": t}, {}), ({"file_id": "0" * 32}, {"X-CSRF-Token": t})):
        answer = client.post("/jobs/parse", data=data, headers=headers)
        assert answer.status_code == 404
        assert "所选文件不存在" in answer.text


def test_multipart_token_must_come_first(client, tmp_path):
    t = token(client)
    files = [("files", ("a.txt", b"x")), ("csrf_token", (None, t))]      # token after the file
    answer = client.post("/files/upload", files=files)
    assert answer.status_code == 403
    assert not list((client.app.state.settings.uploads_dir).glob("*.json"))


def test_unknown_host_header_refused(client):
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


def test_pages_404_in_chinese(client):
    answer = client.get("/没有这一页")
    assert answer.status_code == 404 and "找不到页面" in answer.text


def test_non_loopback_host_refused(tmp_path):
    for host in ("0.0.0.0", "192.168.1.10", "example.org"):
        with pytest.raises(PaichaError, match="需要先建立管理员账户"):
            create_app(Settings.load(host=host, data_dir=tmp_path / "d"), run_jobs=False)
    create_app(Settings.load(host="::1", data_dir=tmp_path / "d"), run_jobs=False)


def test_secret_key_generated_once(tmp_path):
    s = Settings.load(data_dir=tmp_path / "d")
    key = s.secret_key()
    assert len(key) == 64 and Settings.load(data_dir=tmp_path / "d").secret_key() == key
    assert (tmp_path / "d" / "secret_key").stat().st_mode & 0o077 == 0


def test_settings_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PAICHA_PORT", "8123")
    monkeypatch.setenv("PAICHA_DATA", str(tmp_path / "env"))
    s = Settings.load()
    assert s.port == 8123 and s.data_dir == tmp_path / "env" and s.ledger == str(tmp_path / "env" / "台账.db")
    assert Settings.load(port=9000).port == 9000
    monkeypatch.setenv("PAICHA_UPLOAD_FILES", "many")
    with pytest.raises(PaichaError, match="应为正整数"):
        Settings.load()


def test_cli_serve_refuses_other_hosts(tmp_path, capsys):
    import cli
    assert cli.main(["serve", "--host", "0.0.0.0", "--data", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err
    assert "拒绝在 0.0.0.0 上启动" in err and "管理员账户" in err
    assert not (tmp_path / "d").exists()           # refused before anything is written


def test_flash_message_shown_once(client):
    router = APIRouter()

    @router.post("/flash-test")
    def flashing(request: Request):
        flash(request, "已保存<修改>", "ok")
        return RedirectResponse("/", status_code=303)

    client.app.include_router(router)
    page = client.post("/flash-test", headers={"X-CSRF-Token": token(client)})
    assert '<div class="flash flash-ok" role="status">已保存&lt;修改&gt;</div>' in page.text
    assert "已保存" not in client.get("/").text
