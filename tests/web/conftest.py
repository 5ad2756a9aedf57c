"""The web workbench's test harness: an in-process HTTP client, a live server and a real browser.

    client        TestClient on a temp ledger and data folder (no job runner), from 127.0.0.1
    admin         an administrator in that ledger (every page now asks for a login): (name, password)
    login         login(client, name, password) → the answer to the login form (not followed)
    admin_client  the client logged in as that administrator
    cheap_hashing argon2 at its cheapest parameters for the test (same hashes, milliseconds a login)
    live_server   uvicorn in a thread on a free port, with the job runner
    browser       Debian's chromium driven by Selenium, headless, 1366×900
    visit(url)    open a page in the browser and save its screenshot in out/screens/
"""
from __future__ import annotations

import re
import socket
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pgtest import ledger_at
from web.app import create_app
from web.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "out" / "screens"
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
BASE = "http://127.0.0.1"
LIMITS = {"max_file_bytes": 1024 * 1024, "max_request_bytes": 4 * 1024 * 1024, "max_files": 5}


@pytest.fixture
def settings(request, tmp_path) -> Settings:
    """A SQLite ledger; a test parametrised indirectly (settings=pgtest.BACKENDS) gets each backend's."""
    ledger, drop = ledger_at(getattr(request, "param", "sqlite"), tmp_path)
    request.addfinalizer(drop)
    return Settings.load(data_dir=tmp_path / "data", ledger=ledger, **LIMITS)


@pytest.fixture
def client(settings) -> TestClient:
    with TestClient(create_app(settings, run_jobs=False), base_url=BASE, client=("127.0.0.1", 50000)) as c:
        yield c


ADMIN = ("区应急局管理员", "district-admin-2024")


@pytest.fixture
def cheap_hashing(monkeypatch):
    from argon2 import PasswordHasher
    from services import accounts
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def admin(settings, cheap_hashing) -> tuple[str, str]:
    from services import accounts
    from services.ledgers import open_ledger
    with open_ledger(settings.ledger) as ledger:
        accounts.add_user(ledger, ADMIN[0], "管理员", "", ADMIN[1])
    return ADMIN


@pytest.fixture
def login():
    def log_in(client: TestClient, name: str, password: str, next: str = "/"):
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)[1]
        return client.post("/login", data={"csrf_token": token, "name": name, "password": password, "next": next},
                           follow_redirects=False)
    return log_in


@pytest.fixture
def admin_client(client, admin, login) -> TestClient:
    answer = login(client, *admin)
    assert answer.status_code == 303, answer.text
    return client


@pytest.fixture
def live_server(settings):
    """The real server on a free port (job runner included); yields (base url, settings)."""
    import uvicorn
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("工作台未能启动")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", settings
    server.should_exit = True
    thread.join(60)


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("未安装 chromium / chromium-driver（scripts/setup.sh 以 root 运行时安装）")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1366,900", "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def visit(browser, request):
    """visit(url, name): open the page and save a screenshot as out/screens/<test>-<name>.png."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"\W+", "_", request.node.name)

    def go(url: str | None, name: str) -> Path:
        if url:
            browser.get(url)
        shot = SCREENS / f"{test}-{name}.png"
        browser.save_screenshot(str(shot))
        return shot
    return go
