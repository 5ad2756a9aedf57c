"""ledger/orders.py: what mutation testing (bench/mutation.sh) found the order tests do not pin, on both
backends. A print run's liveness is its lock (PrintRun's docstring): held while the run is open, gone after."""
from __future__ import annotations

import os

import pytest

from ledger.db import connect
from ledger.orders import PrintRun, get_order, run_alive
from schema.errors import PaichaError


@pytest.fixture
def con(ledger_target):
    c = connect(ledger_target)
    yield c
    c.close()


def test_a_run_is_alive_while_it_holds_its_lock(con, tmp_path):
    before = set(os.listdir(tmp_path))
    run = PrintRun(con)
    try:
        assert run_alive(con, run.token)
    finally:
        run.close()
    assert not run_alive(con, run.token)
    assert not run_alive(con, "0" * 32)                   # well formed, never a run: no lock
    assert set(os.listdir(tmp_path)) == before            # asking leaves no lock file behind


def test_a_run_whose_lock_file_is_already_gone_still_closes(con):
    """Someone cleared the ledger folder's lock files during a run (SQLite): closing it is no error."""
    run = PrintRun(con)
    if run.path is not None:
        run.path.unlink()
    run.close()
    assert not run_alive(con, run.token)


@pytest.mark.parametrize("token", [None, "", "x" * 32, "A" * 32, "../" + "0" * 29, "0" * 31])
def test_a_token_not_ours_counts_as_ended(con, token):
    assert run_alive(con, token) is False


def test_an_unknown_order_number_is_a_no_order_error(con):
    with pytest.raises(PaichaError) as e:
        get_order(con, "（城区）应急责改〔2023〕99号")
    assert e.value.code == "no_order" and "（城区）应急责改〔2023〕99号" in e.value.message
    with pytest.raises(PaichaError) as e:
        get_order(con, "7")
    assert e.value.code == "no_order"


def test_only_open_hazards_are_offered_for_an_order(con):
    from ledger import store
    from ledger.orders import open_hazards
    from schema.record import Record
    rec = Record("supervision_check", "镇（街道）、部门督导检查表",
                 header={"reporting_unit": "北石店镇人民政府", "fill_date": "2023-03-10"},
                 data={"enterprise": "长治市宏达化工有限公司", "check_date": "2023-03-09", "inspectors": ["王强"],
                       "problems": ["消防通道堵塞", "灭火器过期"], "measures": ["清理", "更换"],
                       "deadline": "2023-03-31", "responsible": "张三"})
    store.import_records(con, {"path": "a.docx", "sha256": "a", "format": "docx"}, [rec])
    con.execute("UPDATE hazards SET status = 'rectified' WHERE description = '灭火器过期'")
    assert [h["description"] for h in open_hazards(con)] == ["消防通道堵塞"]


def test_a_typed_in_drafts_fingerprint_is_its_enterprise_problems_and_deadlines():
    from ledger.orders import OrderDraft, OrderItem, fingerprint
    items = [OrderItem("消防通道堵塞", "2023-03-31"), OrderItem("灭火器过期", "2023-04-15")]
    a = fingerprint(OrderDraft("长治市宏达化工有限公司", items))
    assert a == fingerprint(OrderDraft(" 长治市宏达化工有限公司 ", items[::-1]))       # order and spacing aside
    assert a != fingerprint(OrderDraft("长治市兴盛化工有限公司", items))               # another enterprise
    assert a != fingerprint(OrderDraft("长治市宏达化工有限公司", [items[0], OrderItem("灭火器过期", "2023-04-16")]))
    assert fingerprint(OrderDraft("长治市宏达化工有限公司", [OrderItem("消防通道堵塞", "2023-03-31", hazard_id=3)])) is None
