"""The README's first command (scripts/start.sh) and the home page it opens on: the script serves a ledger
whose every page answers in Chinese; the home page's tiles are the ledger's counts (services.hazards.ledger_counts)."""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time

import httpx

from services import hazards, review
from services.accounts import Principal
from services.ledgers import open_ledger
from sample_ledger import filled, sample_ledger  # noqa: F401  (fixtures)
from web.routes import NAV
from webtools import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_start_script_serves_every_page_in_chinese(sample_ledger, tmp_path):
    """start.sh (setup skipped, ledger already built) prints the address, then every page of the top bar answers."""
    db = tmp_path / "样例台账.db"
    shutil.copy(sample_ledger, db)
    port = _free_port()
    env = {**os.environ, "PAICHA_NO_SETUP": "1", "PAICHA_START_DB": str(db), "PAICHA_DATA": str(tmp_path / "data"),
           "PAICHA_PORT": str(port)}
    proc = subprocess.Popen(["bash", str(ROOT / "scripts" / "start.sh")], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        first = proc.stdout.readline()
        assert f"请用浏览器打开 http://127.0.0.1:{port}/" in first, first
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:                                   # the address answers once uvicorn listens
            try:
                home = httpx.get(base + "/", timeout=10)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "工作台未能启动"
                time.sleep(0.2)
        assert home.status_code == 200 and "未销号隐患" in home.text
        for _, label, href in NAV:
            page = httpx.get(base + href, timeout=60)
            assert page.status_code == 200, (href, page.status_code)
            assert re.search(f"<h1[^>]*>{label}", page.text), href            # the page itself, not an error page
        assert not db.with_name(db.name + ".part").exists()
    finally:
        proc.send_signal(signal.SIGTERM)              # start.sh exec'd the server: this is it
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)       # the job runner too
            raise
    assert "工作台已启动" in proc.stdout.read()


# --- the home page's counts ------------------------------------------------------------------------

def test_ledger_counts_agree_with_the_lists(filled):
    with open_ledger(filled) as handle:
        con = handle.con
        ids = [r[0] for r in con.execute("SELECT id FROM hazards WHERE active = 1 ORDER BY id")]
        assert len(ids) >= 3
        con.execute("UPDATE hazards SET status = 'closed' WHERE id = ?", (ids[0],))
        con.execute("UPDATE hazards SET status = 'rectified' WHERE id = ?", (ids[1],))
        con.execute("UPDATE hazards SET status = 'open', deadline = '2000-01-01' WHERE id = ?", (ids[2],))
        con.commit()
        n = hazards.ledger_counts(handle, today="2023-03-15")
        listed = hazards.list_hazards(handle, today="2023-03-15")
        assert n["unclosed"] == sum(h["status"] != "closed" for h in listed.hazards) == len(ids) - 1
        assert n["overdue"] == sum(h["overdue"] for h in listed.hazards) >= 1
        assert n["flagged"] == len(review.flagged_fields(handle).fields) > 0
        assert n["suspects"] == len(review.suspects(handle).records)
        # a 填报单位 counts its own unit's only; an unknown unit nothing
        unit = con.execute("SELECT reporting_unit FROM hazards WHERE id = ?", (ids[2],)).fetchone()[0]
        mine = hazards.ledger_counts(handle, today="2023-03-15", scope=Principal("镇里", "unit", unit))
        assert mine["unclosed"] == sum(h["status"] != "closed" and h["reporting_unit"] == unit for h in listed.hazards)
        assert mine["flagged"] == len(review.flagged_fields(handle, scope=Principal("镇里", "unit", unit)).fields)
        assert hazards.ledger_counts(handle, scope=Principal("别处", "unit", "不存在的镇")) == \
            {"unclosed": 0, "overdue": 0, "flagged": 0, "suspects": 0}


def test_home_page_tiles_and_batches(client, filled):
    with open_ledger(filled) as handle:
        n = hazards.ledger_counts(handle)
    page = client.get("/")
    assert page.status_code == 200
    for label, key in (("未销号隐患", "unclosed"), ("逾期未整改", "overdue"), ("待核对字段", "flagged")):
        assert f'<span class="count">{n[key]}</span><span class="label">{label}</span>' in page.text
    assert "还没有上传过回执" in page.text


def test_every_page_on_the_samples_ledger_in_chromium(live_server, filled, browser, visit):
    """Each page of the top bar and the home page, as a user first sees them: its heading, no raw template
    markup, no page wider than the window, no script errors; the screenshots are kept in out/screens/."""
    from selenium.webdriver.common.by import By
    base, _ = live_server
    for label, href in [("工作台首页", "/"), *((label, href) for _, label, href in NAV)]:
        visit(base + href, href.strip("/") or "home")
        assert browser.find_element(By.TAG_NAME, "h1").text.startswith(label), href
        source = browser.page_source
        assert "{{" not in source and "{%" not in source and "Internal Server Error" not in source, href
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), href
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert not errors, (href, errors)
