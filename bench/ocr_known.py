"""OCR'd names corrected against what the office knows (parsers/ocr/known.py, issue 14 item 4): the
names of scans and photos right before and after, and right names wrongly "corrected" (must be 0).

    .venv/bin/python bench/ocr_known.py                 # the check set (calib), never tuned on
    .venv/bin/python bench/ocr_known.py --set tune      # the set the thresholds may be tuned on

Images: samples/make_photos.py (tune and calib only, never heldout), read once by
bench/ocr_fields.py (`read --set SET --label page`: Documents kept in out/ocr_fields/SET/page/, read
here when missing). The records are recognised again from them with the code as it is now, each with
its provenance, as the batch parser makes them.
Known names (what the roster and earlier returns hold): every reporting unit, unit, town, village and
enterprise name of the set's truth, of samples/returns/expected.jsonl (all fills: near neighbours,
东沟村/西沟村, 第一/第二检查组, 南街/东街街道办事处) and samples/roster.csv.
Three measurements:
  read     the name fields as OCR read them: right before / after, corrected to right, right ones
           changed (must be 0), flagged ocr_ambiguous;
  damaged  the same records with each right name damaged as OCR damages names (one character dropped,
           two dropped, one replaced by a look-alike; seeded): restored, left and flagged, left
           unflagged, changed to a wrong name;
  new      as `read`, but the set's own names are not known (a new enterprise, town or unit beside
           known ones of the same pattern: 晋城市城区××建材有限公司): right ones changed (must be 0).
(First look on calib, before the set's own names were known: 27 of 94 right names changed.)
"""
from __future__ import annotations

import argparse
import copy
import csv
import json
import pickle
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_ocr import ensure_images, pct, score  # noqa: E402
from bench.ocr_fields import KEPT, read  # noqa: E402

LABEL = "page"                      # the default OCR reading (PAICHA_OCR_READ unset)
LOOKALIKE = {"城": "域", "区": "匹", "达": "这", "建": "律", "材": "村", "有": "右", "限": "很", "公": "么",
             "司": "可", "镇": "填", "店": "庄", "街": "衔", "道": "遒", "办": "力", "事": "亊", "处": "外",
             "应": "庇", "管": "菅", "理": "埋", "局": "同", "政": "攻", "府": "符", "村": "材", "组": "姐",
             "检": "捡", "查": "杳", "金": "全", "鼎": "鼐", "燃": "然", "站": "姑", "恒": "桓", "泰": "秦"}


def names_of(recs) -> dict[str, set[str]]:
    """The name fields' values of records (JSON), by kind."""
    from parsers.ocr.known import name_kind
    from schema.record import leaf_fields
    from schema.spec import load_spec
    known: dict[str, set[str]] = {}
    for rec in recs:
        if "form_type" not in rec or rec["form_type"] == "unknown":
            continue
        spec = load_spec(rec["form_type"])
        for path, v in leaf_fields({"header": rec.get("header") or {}, "data": rec.get("data") or {}}).items():
            kind = name_kind(spec, path)
            if kind and isinstance(v, str) and v.strip():
                known.setdefault(kind, set()).add(v.strip())
    return known


def known_names(which: str, own: bool = True) -> dict[str, list[str]]:
    """What the office knows, by kind: the names of the sample returns and the roster, and (`own`) of
    the set's truth; without `own`, none of the set's names."""
    lines = (ROOT / "samples" / "returns" / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    known = names_of(json.loads(x) for x in lines if x.strip())
    with open(ROOT / "samples" / "roster.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            known.setdefault("units", set()).add(row["单位名称"])
    mine = names_of(r for t in ensure_images(which) for r in t["records"])
    for kind, names in mine.items():
        known[kind] = known.get(kind, set()) | names if own else known.get(kind, set()) - names
    return {k: sorted(v) for k, v in known.items()}


def kept(which: str) -> list[tuple[dict, dict]]:
    """(truth, kept Documents) per image; the images read first when any is missing."""
    truths = ensure_images(which)
    if any(not (KEPT / which / LABEL / (t["file"] + ".pkl")).exists() for t in truths):
        read(which, LABEL, {})
    return [(t, pickle.loads((KEPT / which / LABEL / (t["file"] + ".pkl")).read_bytes())) for t in truths]


def recognised(docs) -> list[tuple]:
    from parsers.recognize import records_with_provenance
    return [(rec, prov) for d in docs for rec, prov in records_with_provenance(d)]


def name_scores(truth: dict, recs: list) -> dict[tuple[int, str], dict]:
    """bench_ocr's scores of the name fields only: {(truth record, path): field}."""
    from parsers.ocr.known import name_kind
    from schema.spec import load_spec
    out = {}
    for n, s in enumerate(score(truth, recs)):
        spec = load_spec(s["form_type"])
        for f in s["fields"]:
            if name_kind(spec, f["path"]):
                out[(n, f["path"])] = f
    return out


def warned(recs: list, code: str) -> set[str]:
    return {w.get("field") for r in recs for w in r.warnings if w.get("code") == code}


def correct_all(pairs: list[tuple], known: dict) -> None:
    from parsers.ocr.known import correct_known
    from schema.spec import load_spec
    for rec, prov in pairs:
        if rec.form_type != "unknown":
            correct_known(rec, load_spec(rec.form_type), known, prov)


def measure_read(truth: dict, docs, known: dict, c: Counter) -> float:
    pairs = recognised(docs)
    recs = [r for r, _ in pairs]
    before = name_scores(truth, recs)
    c0 = time.process_time()
    correct_all(pairs, known)
    cpu = time.process_time() - c0
    after = name_scores(truth, recs)
    ambiguous, corrected = warned(recs, "ocr_ambiguous"), warned(recs, "ocr_corrected")
    for key, f in before.items():
        g = after[key]
        c["fields"] += 1
        c["right_before"] += f["right"]
        c["right_after"] += g["right"]
        c["fixed"] += not f["right"] and g["right"]
        c["broken"] += f["right"] and not g["right"]
        c["changed_wrong"] += not f["right"] and not g["right"] and f["got"] != g["got"]
        c["ambiguous_right"] += g["right"] and key[1] in ambiguous
        c["ambiguous_wrong"] += not g["right"] and key[1] in ambiguous
        c["corrected_flag"] += key[1] in corrected and f["got"] != g["got"]
    return cpu


def damage(value: str, rng: random.Random, how: str) -> str:
    """A name as OCR damages it: a character dropped, two dropped, one replaced by a look-alike."""
    chars = list(value)
    if how == "drop1" and len(chars) > 2:
        del chars[rng.randrange(len(chars))]
    elif how == "drop2" and len(chars) > 4:
        for _ in range(2):
            del chars[rng.randrange(len(chars))]
    elif how == "replace1":
        spots = [i for i, ch in enumerate(chars) if ch in LOOKALIKE] or list(range(len(chars)))
        i = rng.choice(spots)
        chars[i] = LOOKALIKE.get(chars[i], "口")
    return "".join(chars)


def measure_damaged(truth: dict, docs, known: dict, c: Counter, seed: str) -> None:
    from parsers.ocr.known import name_kind
    from schema.record import leaf_fields
    from schema.spec import load_spec
    rng = random.Random(seed)
    pairs = recognised(docs)
    recs = [r for r, _ in pairs]
    before = name_scores(truth, recs)
    right = {key: f for key, f in before.items() if f["right"] and isinstance(f["want"], str)}
    ways = ("drop1", "drop2", "replace1")
    for n, (key, f) in enumerate(sorted(right.items())):
        how = ways[(n + rng.randrange(3)) % 3]
        for rec, prov in pairs:          # the record scored for this field: its value there is the truth
            if rec.form_type == "unknown" or name_kind(load_spec(rec.form_type), key[1]) is None:
                continue
            got = leaf_fields({"header": rec.header, "data": rec.data})
            if got.get(key[1]) == f["want"]:
                bad = damage(f["want"], rng, how)
                if bad == f["want"]:
                    break
                one = copy.deepcopy(rec)
                _set(one, key[1], bad)
                correct_all([(one, prov)], known)
                now = leaf_fields({"header": one.header, "data": one.data}).get(key[1])
                flagged = key[1] in warned([one], "ocr_ambiguous")
                c[f"{how} n"] += 1
                c[f"{how} restored"] += now == f["want"]
                c[f"{how} left flagged"] += now == bad and flagged
                c[f"{how} left"] += now == bad and not flagged
                c[f"{how} wrong"] += now not in (bad, f["want"])
                break


def _set(rec, path: str, value: str) -> None:
    """Set a leaf of a record by its path (header.x, data.rows[2].unit)."""
    import re
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
    at = rec.header if parts[0] == "header" else rec.data
    for p in parts[1:-1]:
        at = at[int(p[1:-1])] if p.startswith("[") else at[p]
    at[parts[-1]] = value


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", choices=("calib", "tune"), default="calib")
    ap.add_argument("--json", type=Path, default=None, help="write the tallies here")
    a = ap.parse_args()
    known, unknown = known_names(a.set), known_names(a.set, own=False)
    read_c, dmg_c, new_c = Counter(), Counter(), Counter()
    cpu = 0.0
    for truth, k in kept(a.set):
        cpu += measure_read(truth, k["docs"], known, read_c)
        measure_damaged(truth, k["docs"], known, dmg_c, f"{a.set}-{truth['file']}")
        measure_read(truth, k["docs"], unknown, new_c)
    n = read_c["fields"]
    print(f"set {a.set}: {n} name fields on {len(ensure_images(a.set))} images; known: "
          + ", ".join(f"{k} {len(v)}" for k, v in sorted(known.items())))
    print(f"read     right before {read_c['right_before']}/{n} ({pct(read_c['right_before'], n)}), "
          f"after {read_c['right_after']}/{n} ({pct(read_c['right_after'], n)}); corrected to right "
          f"{read_c['fixed']}, right ones changed {read_c['broken']} (must be 0), wrong changed to another "
          f"wrong {read_c['changed_wrong']}; ocr_ambiguous on right {read_c['ambiguous_right']}, "
          f"on wrong {read_c['ambiguous_wrong']}; correction CPU {cpu * 1000:.1f} ms")
    for how in ("drop1", "drop2", "replace1"):
        m = dmg_c[f"{how} n"]
        print(f"damaged  {how:8s} {m:3d}: restored {dmg_c[f'{how} restored']} ({pct(dmg_c[f'{how} restored'], m)}), "
              f"left flagged {dmg_c[f'{how} left flagged']}, left unflagged {dmg_c[f'{how} left']}, "
              f"changed to a wrong name {dmg_c[f'{how} wrong']}")
    print(f"new      the set's names unknown: right before {new_c['right_before']}/{n}, right ones changed "
          f"{new_c['broken']} (must be 0), flagged ocr_ambiguous {new_c['ambiguous_right']}; wrong corrected to "
          f"right {new_c['fixed']}")
    if a.json:
        a.json.write_text(json.dumps({"read": read_c, "damaged": dmg_c, "new": new_c}, ensure_ascii=False, indent=1),
                          encoding="utf-8")


if __name__ == "__main__":
    main()
