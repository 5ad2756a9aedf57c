"""The main job on the samples: notices, parsed returns and ledger, orders, statistics and the summary."""
from __future__ import annotations

import shutil
from pathlib import Path

from generators import office

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def run_demo(out: Path) -> int:
    """Runs every step into `out`; returns 0 when all steps succeeded."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    steps = [
        ("红头文件", _notices),
        ("回执解析与台账", _parse),
        ("责令限期整改指令书", _orders),
        ("统计表、催报与通报", _reports),
    ]
    failed = 0
    for name, step in steps:
        print(f"== {name} ==", flush=True)
        try:
            step(out)
        except Exception as e:  # one failed step must not hide the others
            failed += 1
            msg = getattr(e, "message", None) or f"{type(e).__name__}: {e}"
            print(f"失败：{name}：{msg}", flush=True)
    print(f"全部完成，结果在 {out}/" if not failed else f"有 {failed} 个步骤失败")
    return 1 if failed else 0


def _notices(out: Path) -> None:
    from generators.gongwen.check import check_file
    from generators.gongwen.notice import notice

    target = out / "notices"
    target.mkdir(parents=True, exist_ok=True)
    docs = []
    for draft in sorted((SAMPLES / "notices").glob("*.md")):
        docs.append(notice(draft, target / (draft.stem + ".docx")))
    pdfs = office.convert(docs, "pdf", target)
    for d in docs:
        problems = check_file(d)
        state = "符合 GB/T 9704" if not problems else f"发现 {len(problems)} 处不符合"
        print(f"  {d.name}：{state}；PDF {'已生成' if d in pdfs else '未生成'}")


def _parse(out: Path) -> None:
    from parsers.pipeline import parse, print_summary

    db = out / "台账.db"
    if db.exists():
        db.unlink()
    inputs = [p for p in (SAMPLES / "returns", SAMPLES / "returns_pdf") if p.exists()]
    summary = parse(inputs, jsonl=out / "records.jsonl", db=db, xlsx=out / "解析结果.xlsx", progress=False)
    print_summary(summary)


def _orders(out: Path) -> None:
    from generators.order import issue_orders, print_result

    target = out / "orders"
    if target.exists():
        shutil.rmtree(target)
    db = out / "台账.db"
    # the samples are 2023 returns: issue the orders as on the day after the last inspection
    from ledger.db import connect
    con = connect(db)
    last = con.execute("SELECT MAX(found_date) FROM hazards WHERE active = 1").fetchone()[0]
    con.close()
    result = issue_orders(db=db, out_dir=target, actor="示例执法人员", issued=last)
    print_result(result)


def _reports(out: Path) -> None:
    from generators.stats import write_stats_workbook
    from generators.summary import remind, summary

    db = out / "台账.db"
    print(f"  已生成统计表：{write_stats_workbook(db, out / '统计表.xlsx')}")
    result = remind(db, SAMPLES / "roster.csv", period=None, form_type="campaign_stats",
                    out=out / "催报通知.docx", organ=None)
    for line in result.lines:
        print(f"  {line}")
    print(f"  已生成通报：{summary(db, out / '工作通报.docx', period=None, organ=None)}")
