"""Field provenance: each field knows the cell (or line) it was read from, kept beside the record."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ledger import provenance
from parsers.ocr.grid import page_box, rotate
from parsers.readers import read_file
from parsers.recognize import records_with_provenance
from schema.record import leaf_fields
from services import returns
from services.ledgers import open_ledger

ROOT = Path(__file__).resolve().parents[1]
REGISTER = ROOT / "samples/returns/北石店镇/摸底登记表-晋城市城区宏达建材有限公司.docx"


def test_every_field_read_from_a_cell_points_at_it():
    [doc] = list(read_file(REGISTER))
    [(rec, prov)] = records_with_provenance(doc)
    assert "provenance" not in rec.to_json()                       # the JSONL record is unchanged
    cells = {(r, c): text for snap in prov["tables"].values() for r, c, _, _, text in snap["cells"]}
    leaves = {p: v for p, v in leaf_fields({"data": rec.data}).items() if isinstance(v, str) and v}
    assert len(leaves) > 10
    for path, value in leaves.items():
        where = provenance.Provenance(0, None, None, prov["tables"], prov["fields"]).field(path)
        assert where is not None, path
        assert cells[(where["row"], where["col"])] == where["text"]
    assert prov["fields"]["data.name"]["text"] == "晋城市城区宏达建材有限公司"
    assert prov["fields"]["header.fill_date"]["line"].startswith("填报日期")


def test_a_box_on_the_straightened_page_maps_back_to_the_upright_page():
    img = np.full((800, 600), 255, np.uint8)
    img[200:240, 100:300] = 0                                       # a dark bar where a cell is
    turned = rotate(img, 3.0)
    ys, xs = np.nonzero(turned < 128)
    box = page_box((xs.min(), ys.min(), xs.max(), ys.max()), turned.shape, 3.0)
    x0, y0, x1, y1 = box[0] * 600, box[1] * 800, box[2] * 600, box[3] * 800
    assert x0 <= 101 and y0 <= 201 and x1 >= 298 and y1 >= 238          # covers the bar …
    assert x0 > 80 and y0 > 180 and x1 < 320 and y1 < 260              # … and not much more


def test_provenance_is_stored_with_the_file_at_import(tmp_path):
    with open_ledger(tmp_path / "l.db") as ledger:
        returns.parse_batch([REGISTER], ledger=ledger, workers=1, display={str(REGISTER): "登记表.docx"})
        [rid] = [r[0] for r in ledger.con.execute("SELECT id FROM records")]
        prov = provenance.of_record(ledger.con, rid)
        path = ledger.con.execute("SELECT path FROM sources").fetchone()[0]
    assert path == "登记表.docx" and prov.file == str(REGISTER.resolve())
    assert prov.field("data.principal.mobile")["text"]            # a person: the value's own cell
