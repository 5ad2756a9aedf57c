"""OLE2 compound files sniffed with olefile: the top-level main stream decides (an embedded object's
streams do not), and a damaged file gives the Chinese InputError, never another exception."""
from __future__ import annotations

import random
import struct
from pathlib import Path

import pytest

from parsers.readers.sniff import sniff
from schema.errors import InputError
from tests.badfiles import ole_file

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "returns" / "格式样例"
BIFF_BOF = struct.pack("<HH", 0x0809, 16) + bytes(16)
BIFF_EOF = struct.pack("<HH", 0x000A, 0)
WORD_FIB = bytes.fromhex("ECA5C100") + bytes(60)          # wIdent, nFib; not encrypted


def test_wps_xls_with_embedded_word_object_is_excel(tmp_path):
    p = ole_file(tmp_path / "带附件.xls", {"Workbook": BIFF_BOF + BIFF_EOF, "MBD00000001": {"WordDocument": WORD_FIB}})
    assert sniff(p) == "xls"


def test_doc_with_embedded_workbook_is_word(tmp_path):
    p = ole_file(tmp_path / "带表格.doc", {"WordDocument": WORD_FIB, "ObjectPool": {"Workbook": BIFF_BOF + BIFF_EOF}})
    assert sniff(p) == "doc"


def test_only_an_embedded_object_is_not_a_document(tmp_path):
    p = ole_file(tmp_path / "对象.doc", {"ObjectPool": {"WordDocument": WORD_FIB}})
    with pytest.raises(InputError) as exc:
        sniff(p)
    assert exc.value.code == "wrong_type"


@pytest.mark.parametrize("name,kind", [("重大隐患统计表.doc", "doc"), ("重大隐患统计表.wps", "doc"),
                                       ("大排查大整治行动统计表.xls", "xls"), ("大排查大整治行动统计表.et", "xls")])
def test_real_legacy_files(name, kind):
    assert sniff(SAMPLES / name) == kind


def _outcome(path: Path) -> str:
    try:
        return sniff(path)
    except InputError as exc:
        assert exc.code != "corrupt" or "文件已损坏（" in exc.message, exc.message
        return exc.code


@pytest.mark.parametrize("name", ["重大隐患统计表.doc", "大排查大整治行动统计表.xls"])
def test_truncated_ole_is_corrupt(tmp_path, name):
    data = (SAMPLES / name).read_bytes()
    for cut in (100, 512, 600, 2048, len(data) // 4, len(data) // 2):
        (tmp_path / name).write_bytes(data[:cut])
        assert _outcome(tmp_path / name) == "corrupt", cut


@pytest.mark.parametrize("name", ["重大隐患统计表.doc", "大排查大整治行动统计表.xls"])
def test_flipped_bits_in_ole_structures_give_an_input_error(tmp_path, name):
    """Bits flipped in the header, FAT and directory: a kind or an InputError, nothing else."""
    data = (SAMPLES / name).read_bytes()
    rnd = random.Random(name)
    outcomes = set()
    for i in range(200):
        b = bytearray(data)
        for _ in range(8):
            b[rnd.randrange(min(len(b), 4096))] ^= 1 << rnd.randrange(8)
        (tmp_path / f"{i}.bin").write_bytes(bytes(b))
        outcomes.add(_outcome(tmp_path / f"{i}.bin"))
    assert outcomes <= {"doc", "xls", "corrupt", "wrong_type", "encrypted"}
    assert "corrupt" in outcomes
