"""执法机关设置: administrators edit templates/authority.yaml's names, codes and default deadline on a page;
the values are checked, written in place (comments and other keys kept), read back by the documents'
loader, and audit-logged. Tests edit a copy of the file."""
from __future__ import annotations

import shutil

import pytest

from generators.documents import DEFAULT_CONFIG, load_authority
from ledger import audit
from services import authority
from services.ledgers import open_ledger
from units import add_users, client_of, csrf
from web.app import create_app
from web.routes import settings as settings_page


@pytest.fixture
def config(tmp_path, monkeypatch):
    copy = tmp_path / "authority.yaml"
    shutil.copy(DEFAULT_CONFIG, copy)
    monkeypatch.setattr(settings_page, "CONFIG", copy)
    return copy


def test_values_are_written_in_place_and_logged(config, tmp_path):
    with open_ledger(tmp_path / "ledger.db") as ledger:
        saved = authority.save(ledger, {"short_name": "郊区", "codes.order": "应急责改（郊）", "court": 'A"法院#1',
                                        "default_deadline_days": "20"}, actor="区管理员", path=config)
        assert set(saved.changed) == {"short_name", "codes.order", "court", "default_deadline_days"}
        cfg = load_authority(config)
        assert (cfg["short_name"], cfg["codes"]["order"], cfg["court"], cfg["default_deadline_days"]) == (
            "郊区", "应急责改（郊）", 'A"法院#1', 20)
        assert cfg["codes"]["recheck"] == "应急复查" and cfg["layout"]["chars_per_line"] == 34
        text = config.read_text(encoding="utf-8")
        assert "# 简称，用于文书抬头" in text and "# 责令限期整改指令书" in text     # comments kept
        row = audit.entries(ledger.con, action="settings_changed")[0]
        assert row["actor"] == "区管理员" and row["before"]["short_name"] == "城区" and row["after"]["short_name"] == "郊区"
        # a wrong value: nothing written, nothing logged
        before = config.read_bytes()
        for bad in ({"name": "  "}, {"default_deadline_days": "0"}, {"default_deadline_days": "三十"},
                    {"filing": "x" * 41}, {"government": "a\u202eb"}, {"layout.chars_per_line": "3"}):
            with pytest.raises(authority.SettingsError):
                authority.save(ledger, {"short_name": "又改", **bad}, path=config)
        assert config.read_bytes() == before and len(audit.entries(ledger.con, action="settings_changed")) == 1
        assert authority.save(ledger, {"short_name": "郊区"}, path=config).changed == {}


def test_settings_page(settings, config, cheap_hashing):
    add_users(settings)
    app = create_app(settings, run_jobs=False)
    with client_of(app, "admin") as admin, client_of(app, "district") as district:
        page = admin.get("/admin/settings")
        assert page.status_code == 200 and "执法机关设置" in page.text and 'value="城区"' in page.text
        assert admin.post("/admin/settings", data={"short_name": "郊区"}).status_code == 403       # no token
        bad = admin.post("/admin/settings", data={"csrf_token": csrf(admin), "short_name": "<b>x</b>",
                                                  "default_deadline_days": "-1"})
        assert bad.status_code == 400 and "默认整改期限（日）应为 1 至 365 之间的整数" in bad.text
        assert "&lt;b&gt;x&lt;/b&gt;" in bad.text and load_authority(config)["short_name"] == "城区"
        done = admin.post("/admin/settings", data={"csrf_token": csrf(admin), "short_name": "郊区"})
        assert done.status_code == 200 and "已保存：简称（文书抬头与编号）" in done.text
        assert load_authority(config)["short_name"] == "郊区"
        assert district.get("/admin/settings").status_code == 403
        assert district.post("/admin/settings", data={"csrf_token": csrf(district), "short_name": "乱改"}).status_code == 403
        assert load_authority(config)["short_name"] == "郊区"
        assert "修改执法机关设置" in admin.get("/admin/audit").text
