#!/usr/bin/env python3
"""paicha 命令行：each command is a thin skin over one library function."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schema.errors import PaichaError  # noqa: E402


# --- 公文: notice, format, check (issue 2) -------------------------------------------------

def cmd_notice(a):
    from generators.gongwen.notice import notice
    out = notice(Path(a.draft), Path(a.output) if a.output else None, pdf=a.pdf, profile=a.profile)
    print(f"已生成：{out}")
    if a.pdf:
        print(f"已生成：{out.with_suffix('.pdf')}")


def cmd_format(a):
    from generators.gongwen.reformat import format_document
    out = format_document(Path(a.input), Path(a.output), pdf=a.pdf, profile=a.profile)
    print(f"已排版：{out}")


def cmd_check(a):
    from generators.gongwen.check import check_file, format_report
    problems = check_file(Path(a.file), profile=a.profile)
    if a.render:
        from generators.gongwen.layout_check import check_rendered
        problems += check_rendered(Path(a.file), profile=a.profile)
    print(format_report(Path(a.file), problems))
    return 1 if problems else 0


# --- forms and parsing (issue 3, 4) ------------------------------------------------------

def cmd_form(a):
    from generators.forms import blank_form
    out = blank_form(a.form_type, Path(a.output))
    print(f"已生成空白表：{out}")


def cmd_parse(a):
    from parsers.pipeline import parse, print_summary
    summary = parse([Path(p) for p in a.paths],
                    jsonl=Path(a.jsonl) if a.jsonl else None,
                    db=Path(a.db) if a.db else None,
                    xlsx=Path(a.xlsx) if a.xlsx else None,
                    workers=a.workers, progress=not a.quiet)
    print_summary(summary)
    return 0 if not summary.errors else 3


# --- orders and the hazard lifecycle (issue 5) ---------------------------------------------

def cmd_order(a):
    from generators import order
    if a.template:
        out = order.write_hazard_template(Path(a.template))
        print(f"已生成隐患清单模板：{out}")
        return 0
    if not a.output:
        raise PaichaError("请用 -o 指定输出目录")
    config = Path(a.config) if a.config else None
    if a.reprint:
        if not a.db:
            raise PaichaError("重新生成文书请用 --db 指定台账")
        result = order.reprint_orders(Path(a.db), Path(a.output), a.reprint, config=config, pdf=a.pdf)
    else:
        result = order.issue_orders(
            db=Path(a.db) if a.db else None, out_dir=Path(a.output),
            enterprises=a.enterprise or None, town=a.town, since=a.since, until=a.until,
            source=a.source, hazards_xlsx=Path(a.hazards) if a.hazards else None,
            spec=Path(a.spec) if a.spec else None, config=config,
            actor=a.by, pdf=a.pdf, issued=a.date, unprinted_only=a.all_unprinted)
    order.print_result(result)


def cmd_hazard(a):
    from ledger import lifecycle
    return lifecycle.run_cli(a)


def cmd_record(a):
    from ledger import queries, store
    from ledger.db import connect
    con = connect(Path(a.db))
    try:
        if a.action == "suspects":
            rows = queries.suspects(con)
            if not rows:
                print("没有待确认的疑似损坏重报")
            for r in rows:
                print(f"记录 {r['id']}：{r['path']}（{r['reporting_unit'] or '单位不详'}，"
                      f"填报日期 {r['fill_date'] or '不详'}）本应取代记录 {r['replaces']}：{r['old_path']}")
                print(f"  {r['message']}")
        elif a.action == "accept":
            res = store.accept_resubmission(con, a.id, a.by, a.reason)
            print(f"已确认采用记录 {a.id}，取代记录 {res.superseded[0][0]}；"
                  f"沿用隐患 {res.hazards_kept} 条，新增隐患 {res.hazards_new} 条")
        else:
            store.reject_resubmission(con, a.id, a.by, a.reason)
            print(f"已不予采用记录 {a.id}（保留为历史），原记录仍为当前记录")
    finally:
        con.close()


# --- statistics, 催报 and summaries (issue 6) -------------------------------------------------

def cmd_stats(a):
    from generators.stats import write_stats_workbook
    out = write_stats_workbook(Path(a.db), Path(a.output), period=a.period, layout=a.layout)
    print(f"已生成统计表：{out}")


def cmd_remind(a):
    from generators.summary import remind
    result = remind(Path(a.db), Path(a.roster), period=a.period, form_type=a.form_type,
                    out=Path(a.output) if a.output else None, organ=a.organ)
    for line in result.lines:
        print(line)


def cmd_summary(a):
    from generators.summary import summary
    out = summary(Path(a.db), Path(a.output), period=a.period, organ=a.organ,
                  kind=a.kind, pdf=a.pdf, chart=not a.no_chart)
    print(f"已生成：{out}")


# --- the main job ----------------------------------------------------------------------------

def cmd_demo(a):
    from generators.demo import run_demo
    return run_demo(Path(a.output))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cli.py", description="paicha：安全生产排查整治 公文排版、回执解析、台账与报表")
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")

    s = sub.add_parser("notice", help="由纯文本草稿生成符合 GB/T 9704-2012 的红头文件 .docx")
    s.add_argument("draft", help="草稿文件（UTF-8，YAML 头 + 正文）")
    s.add_argument("-o", "--output", help="输出 .docx（默认与草稿同名）")
    s.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 转出 PDF")
    s.add_argument("--profile", default="gbt9704", help="版式配置（默认国标 gbt9704）")
    s.set_defaults(func=cmd_notice)

    s = sub.add_parser("format", help="一键排版：把未排版的 Word 草稿重排为公文格式")
    s.add_argument("input", help=".docx / .doc / .wps")
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--pdf", action="store_true")
    s.add_argument("--profile", default="gbt9704")
    s.set_defaults(func=cmd_format)

    s = sub.add_parser("check", help="按 GB/T 9704-2012 检查任意 .docx 公文")
    s.add_argument("file")
    s.add_argument("--profile", default="gbt9704")
    s.add_argument("--render", action="store_true", help="另用 LibreOffice 转为 PDF，实测版面（标志位置、红线、行数、页码、版记）")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("form", help="生成空白附件表（.docx 或 .xlsx）")
    s.add_argument("form_type", help="表类型，如 enterprise_register、self_check、supervision_check")
    s.add_argument("-o", "--output", required=True)
    s.set_defaults(func=cmd_form)

    s = sub.add_parser("parse", help="批量解析回收的表格（文件、文件夹、zip）")
    s.add_argument("paths", nargs="+")
    s.add_argument("--jsonl", help="输出 JSONL 记录")
    s.add_argument("--db", help="台账数据库（SQLite）")
    s.add_argument("--xlsx", help="输出汇总 Excel")
    s.add_argument("--workers", type=int, default=0, help="并行进程数（默认等于 CPU 核数）")
    s.add_argument("-q", "--quiet", action="store_true", help="不显示进度条")
    s.set_defaults(func=cmd_parse)

    s = sub.add_parser("order", help="打印责令限期整改指令书")
    s.add_argument("--db", help="台账数据库")
    s.add_argument("-o", "--output", help="输出目录")
    s.add_argument("--enterprise", action="append", help="只为该企业出具（可多次）")
    s.add_argument("--town", help="只为该镇（街道）的企业出具")
    s.add_argument("--since", help="隐患发现日期起（含）")
    s.add_argument("--until", help="隐患发现日期止（含）")
    s.add_argument("--source", help="只取该来源文件中的隐患")
    s.add_argument("--hazards", help="隐患清单 .xlsx（由 --template 生成的格式）")
    s.add_argument("--spec", help="单份指令书的 YAML 描述")
    s.add_argument("--config", help="执法机关配置文件（默认 templates/authority.yaml）")
    s.add_argument("--template", metavar="OUT.xlsx", help="生成空白隐患清单 .xlsx")
    s.add_argument("--date", help="出具日期（默认今天）")
    s.add_argument("--by", default="", help="操作人")
    s.add_argument("--pdf", action="store_true", help="合并打印文件同时转出 PDF")
    s.add_argument("--reprint", action="append", metavar="编号",
                   help="按台账重新生成该指令书的文书（文号或序号，可多次）")
    s.add_argument("--all-unprinted", action="store_true",
                   help="只补出已编号、尚未生成文书的指令书（出具中断后），不出具新的")
    s.set_defaults(func=cmd_order)

    s = sub.add_parser("hazard", help="隐患闭环：整改完成、复查、销号、作废指令书、逾期与挂牌督办清单")
    from ledger.lifecycle import add_arguments as _hazard_args
    _hazard_args(s)
    s.set_defaults(func=cmd_hazard)

    s = sub.add_parser("record", help="台账记录：疑似损坏的重报（比原记录少了数据行或多数内容）待人工确认")
    rsub = s.add_subparsers(dest="action", required=True, metavar="操作")
    r = rsub.add_parser("suspects", help="列出待确认的疑似损坏重报")
    r.add_argument("--db", required=True, help="台账数据库")
    for action, text in (("accept", "确认采用：取代原记录"), ("reject", "不予采用：保留为历史，原记录仍为当前记录")):
        r = rsub.add_parser(action, help=text)
        r.add_argument("id", type=int, metavar="ID", help="记录编号（见 record suspects）")
        r.add_argument("--db", required=True, help="台账数据库")
        r.add_argument("--by", default="", help="操作人")
        r.add_argument("--reason", default="", help="理由")
    s.set_defaults(func=cmd_record)

    s = sub.add_parser("stats", help="由台账生成官方格式统计表 .xlsx")
    s.add_argument("--db", required=True)
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--period", help="统计期：2023-03、2023-W10、2023-03-01..2023-03-31、stage:名称")
    s.add_argument("--layout", default="all", help="campaign_stats | inspection_stats | progress_dispatch | all")
    s.set_defaults(func=cmd_stats)

    s = sub.add_parser("remind", help="催报：列出未报送单位并生成催报通知")
    s.add_argument("--db", required=True)
    s.add_argument("--roster", required=True, help="应报单位名册 .xlsx / .csv")
    s.add_argument("--period")
    s.add_argument("--form-type", default=None)
    s.add_argument("--organ", default=None, help="发文机关")
    s.add_argument("-o", "--output", help="催报通知 .docx")
    s.set_defaults(func=cmd_remind)

    s = sub.add_parser("summary", help="生成工作通报 / 总结（公文格式）")
    s.add_argument("--db", required=True)
    s.add_argument("--period")
    s.add_argument("--organ", default=None, help="发文机关")
    s.add_argument("--kind", default="通报", choices=["通报", "总结"])
    s.add_argument("-o", "--output", required=True)
    s.add_argument("--pdf", action="store_true")
    s.add_argument("--no-chart", action="store_true")
    s.set_defaults(func=cmd_summary)

    s = sub.add_parser("demo", help="主流程：在样例上生成公文、解析回执、出具指令书、生成统计表和通报")
    s.add_argument("-o", "--output", default="out")
    s.set_defaults(func=cmd_demo)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from schema import runfiles
    previous = runfiles.install_signal_handlers()      # SIGTERM / Ctrl-C unwind: temp files removed
    try:
        with runfiles.run():                           # one temp folder for the whole command
            rc = args.func(args)
    except PaichaError as e:
        print(f"错误：{e.message}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"错误：找不到文件 {e.filename}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:   # output piped into head and the like
        sys.stderr.close()
        return 0
    finally:
        runfiles.restore_signal_handlers(previous)
    return int(rc or 0)


if __name__ == "__main__":
    sys.exit(main())
