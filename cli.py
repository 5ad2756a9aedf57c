#!/usr/bin/env python3
"""paicha 命令行: each command parses its arguments, calls one service (services/) and prints the result."""
from __future__ import annotations

import argparse
import re
import sys
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from schema.errors import PaichaError, printable  # noqa: E402

SAMPLES = ROOT / "samples"
SERVE_WORKERS = 2                 # `serve`: web server processes (each answers pages; the job runner is one more)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _day(raw: str | None, what: str = "--date") -> str | None:
    """A date argument as ISO (None stays None: the service takes today)."""
    from generators.order import to_iso
    return to_iso(raw, what) if raw else None


# --- 公文: notice, format, check (issue 2) -------------------------------------------------

def cmd_notice(a):
    from services.gongwen import notice
    res = notice(Path(a.draft), _path(a.output), pdf=a.pdf, profile=a.profile)
    print(f"已生成：{res.out}")
    if res.pdf:
        print(f"已生成：{res.pdf}")


def cmd_format(a):
    from services.gongwen import format_document
    from generators.gongwen.reformat import load_options
    options = load_options(Path(a.options) if a.options else None)
    if a.organ:
        options["organs"] = [a.organ]
    res = format_document(Path(a.input), Path(a.output), pdf=a.pdf, profile=a.profile, options=options)
    print(f"已排版：{res.out}")


def cmd_check(a):
    from services.gongwen import check_document
    res = check_document(Path(a.file), profile=a.profile, render=a.render)
    print(res.report)
    return 1 if res.problems else 0


# --- forms and parsing (issue 3, 4) ------------------------------------------------------

def cmd_form(a):
    from services.returns import blank_form
    print(f"已生成空白表：{blank_form(a.form_type, Path(a.output)).out}")


def cmd_parse(a):
    from services.ledgers import open_ledger
    from services.returns import parse_batch
    progress = None if a.quiet or not sys.stderr.isatty() else ProgressPrinter()
    paths = [Path(p) for p in a.paths]
    if a.db:
        with open_ledger(a.db) as ledger:
            res = parse_batch(paths, ledger, _path(a.jsonl), _path(a.xlsx), a.workers, progress)
    else:
        res = parse_batch(paths, None, _path(a.jsonl), _path(a.xlsx), a.workers, progress)
    print_summary(res.summary)
    return 0 if res.ok else 3


class ProgressPrinter:
    """Progress on stderr: 解析中 [#####.....] 120/1000 文件, redrawn at most ten times a second;
    a long PDF's pages as "表.pdf：已读 40/200 页" every 20 pages; a long table's rows when read and recognised."""

    WIDTH = 30

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.last = 0.0
        self.shown = -1

    def __call__(self, done: int, total: int, label: str) -> None:
        from parsers.pipeline import FILES, PAGES, ROWS
        if label.endswith(ROWS):
            name = printable(label.removesuffix(ROWS))
            self._write(f"  {name}：已读 {total} 行，识别中\n" if done == 0 else f"  {name}：已识别 {done} 行\n")
            return
        if label != FILES:
            if done % 20 == 0 or done == total:
                self._write(f"  {printable(label.removesuffix(PAGES))}：已读 {done}/{total} 页\n")
            return
        now = time.monotonic()
        if done == self.shown or (done < total and now - self.last < 0.1):
            return
        self.last, self.shown = now, done
        filled = self.WIDTH * done // max(total, 1)
        self._write(f"\r解析中 [{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total} 文件"
                    + ("\n" if done == total else ""))

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


OUTCOME_LABELS = {"error": "失败", "no_table": "无表格", "skipped": "跳过"}


def print_summary(summary, file=None) -> None:
    """A parse run's tallies in Chinese, then one line per file (or zip member) that gave no record."""
    file = file or sys.stdout
    p = lambda s="": print(s, file=file)  # noqa: E731
    p(f"共 {summary.files_seen} 个文件：解析成功 {summary.files_parsed} 个，失败 {summary.files_failed} 个，"
      f"未识别到表格 {summary.files_no_table} 个，已跳过 {summary.files_skipped} 个；"
      f"得到 {summary.records} 份表格记录（用时 {summary.seconds:.1f} 秒）")
    for t, n in sorted(summary.records_by_type.items(), key=lambda kv: (-kv[1], kv[0])):
        p(f"  {summary.titles.get(t, t)}：{n} 份")
    p(f"提示（warnings）：{summary.warnings} 条" if summary.warnings else "提示：无")
    if "db" in summary.outputs:
        led = summary.ledger
        p(f"台账：新增 {led['new']} 个文件，已导入过（未变）{led['unchanged']} 个，"
          f"更正报送取代旧记录 {led['superseded']} 份")
        if led.get("suspects"):
            p(f"疑似损坏的重报 {led['suspects']} 份，待人工确认（cli.py record suspects）")
    for kind, label in (("jsonl", "JSONL 文件"), ("xlsx", "汇总表"), ("db", "台账文件")):
        if kind in summary.outputs:
            p(f"{label}：{printable(summary.outputs[kind])}")
    for path, _code, message in summary.errors:
        p(f"失败：{_with_path(path, message)}")
    for o in summary.outcomes:
        if o["outcome"] in ("no_table", "skipped"):
            p(f"{OUTCOME_LABELS[o['outcome']]}：{_with_path(o['path'], o['message'])}")
    if summary.log:
        p(f"错误详情已写入日志：{printable(summary.log)}")


def _with_path(path: str, message: str) -> str:
    """The message as "path：reason" (messages normally start with the path; escaped either way)."""
    shown = printable(path)
    message = printable(message)
    return message if message.startswith(shown + "：") else f"{shown}：{message}"


# --- orders and the hazard lifecycle (issue 5) ---------------------------------------------

def cmd_order(a):
    from services import orders
    from services.ledgers import open_ledger
    if a.template:
        print(f"已生成隐患清单模板：{orders.hazard_template(Path(a.template)).out}")
        return 0
    if not a.output:
        raise PaichaError("请用 -o 指定输出目录")
    if a.reprint and not a.db:
        raise PaichaError("重新生成文书请用 --db 指定台账")
    # without --db, orders from a typed hazard list keep their own ledger in the output folder
    pairs = [re.split(r"[:：]", o, maxsplit=1) + [""] for o in a.officer or []]
    officers = orders.officers_of([p[0] for p in pairs], [p[1] for p in pairs])
    with open_ledger(a.db) if a.db else nullcontext() as ledger:
        if a.reprint:
            result = orders.reprint_orders(ledger, Path(a.output), a.reprint, config=_path(a.config), pdf=a.pdf,
                                           officers=officers)
        else:
            result = orders.issue_orders(
                ledger, Path(a.output), enterprises=a.enterprise, town=a.town, since=a.since, until=a.until,
                source=a.source, hazards_xlsx=_path(a.hazards), spec=_path(a.spec), config=_path(a.config),
                actor=a.by, pdf=a.pdf, issued=a.date, unprinted_only=a.all_unprinted, officers=officers)
    print_orders(result)


def print_orders(result) -> None:
    for o in result.orders:
        more = "（含附页）" if o.continued else ""
        print(f"已{o.verb}：{o.number} {o.enterprise}，问题{o.n_items}项，整改期限{'、'.join(o.deadlines)}{more}")
    for line in result.skipped:
        print(line)
    counts = {verb: sum(1 for o in result.orders if o.verb == verb) for verb in ("出具", "补出", "重新生成")}
    if counts["重新生成"]:
        print(f"共重新生成责令限期整改指令书 {counts['重新生成']} 份")
    else:
        more = f"（另补出此前中断未生成文书的 {counts['补出']} 份）" if counts["补出"] else ""
        print(f"共出具责令限期整改指令书 {counts['出具']} 份{more}")
    for r in result.records:
        print(f"现场检查记录：{r}")
    if result.merged:
        print(f"合并打印文件：{result.merged}")
    if result.pdf:
        print(f"PDF：{result.pdf}")
    if result.register:
        print(f"指令书登记簿：{result.register}")
    if result.db:
        print(f"台账：{result.db}{'（新建）' if result.db_created else ''}")
    for note in result.notes:
        print(f"说明：{note}")


def hazard_arguments(parser) -> None:
    from ledger.orders import HAZARD_STATUS
    sub = parser.add_subparsers(dest="action", required=True, metavar="操作")

    def cmd(name: str, help_text: str):
        s = sub.add_parser(name, help=help_text)
        s.add_argument("--db", required=True, help="台账数据库")
        return s

    s = cmd("rectified", "标记隐患整改完成")
    s.add_argument("ids", nargs="+", type=int, metavar="ID", help="隐患编号")
    s.add_argument("--date", help="整改完成日期（默认今天）")
    s.add_argument("--note", default="", help="整改情况说明")
    s.add_argument("--by", default="", help="操作人")

    s = cmd("recheck", "记录复查结果并生成整改复查意见书")
    s.add_argument("order", metavar="ORDER_NO", help="指令书编号（完整编号或序号）")
    s.add_argument("--date", help="复查日期（默认今天）")
    s.add_argument("--passed", nargs="*", type=int, default=[], metavar="ID", help="已整改的隐患编号")
    s.add_argument("--failed", nargs="*", type=int, default=[], metavar="ID", help="未整改的隐患编号")
    s.add_argument("--by", default="", help="操作人")
    s.add_argument("--config", help="执法机关配置文件（默认 templates/authority.yaml）")
    s.add_argument("-o", "--output", help="整改复查意见书 .docx")

    s = cmd("close", "销号（须复查通过）")
    s.add_argument("ids", nargs="+", type=int, metavar="ID")
    s.add_argument("--date", help="销号日期（默认今天）")
    s.add_argument("--by", default="")

    s = cmd("void", "作废指令书（编号保留）")
    s.add_argument("order", metavar="ORDER_NO")
    s.add_argument("--reason", required=True, help="作废原因")
    s.add_argument("--by", default="")

    s = sub.add_parser("basis", help="为隐患指定依据（填“无”则指令书上留空手填）；不给隐患编号时为 --text 的问题描述建议依据")
    s.add_argument("--db", help="台账数据库（指定依据时必填）")
    s.add_argument("ids", nargs="*", type=int, metavar="ID")
    s.add_argument("--text", required=True, help="依据；不给隐患编号时为要建议依据的问题描述")
    s.add_argument("--by", default="")

    s = cmd("list", "隐患清单：按状态、逾期未整改、挂牌督办")
    s.add_argument("--status", choices=list(HAZARD_STATUS))
    s.add_argument("--overdue", action="store_true", help="只列逾期未整改")
    s.add_argument("--supervised", action="store_true", help="只列挂牌督办（重大隐患）")
    s.add_argument("--today", help=argparse.SUPPRESS)

    s = cmd("history", "隐患的全部处理记录")
    s.add_argument("id", type=int, metavar="ID")


def cmd_hazard(a):
    from ledger.lifecycle import status_cn
    from ledger.orders import ORDER_STATUS
    from services import hazards
    from services.ledgers import open_ledger
    if a.action == "basis" and not a.ids:          # a suggestion for any text, no ledger
        got = hazards.suggest_basis(a.text)
        print(f"建议：{got.text}（{got.topic}）" if got.source == "auto"
              else f"无可靠依据：指令书上将印“{got.text}”待手工填写")
        return 0
    if not a.db:
        raise PaichaError("请用 --db 指定台账")
    with open_ledger(a.db) as ledger:
        if a.action == "rectified":
            n = hazards.mark_rectified(ledger, a.ids, _day(a.date), a.by, a.note).count
            print(f"已标记整改完成：{n}项（待复查）")
        elif a.action == "recheck":
            res = hazards.record_recheck(ledger, a.order, _day(a.date), a.passed, a.failed, a.by,
                                         config=_path(a.config), output=_path(a.output))
            for seq, hid, text, ok in res.items:
                print(f"  第{seq}项（隐患 {hid}）{'已整改' if ok else '未整改'}：{text}")
            print(f"已记录复查：{res.number}（{res.order_number}，{ORDER_STATUS[res.order_status]}）")
            if res.file:
                print(f"已生成整改复查意见书：{res.file}")
        elif a.action == "close":
            n = hazards.close_hazards(ledger, a.ids, a.by, _day(a.date)).count
            print(f"已销号：{n}项")
        elif a.action == "void":
            number = hazards.void_order(ledger, a.order, a.by, a.reason).number
            print(f"已作废：{number}（编号保留不再使用，所列隐患可重新出具指令书）")
        elif a.action == "basis":
            n = hazards.set_basis(ledger, a.ids, a.text, a.by).count
            print(f"已设置依据：{n}项")
        elif a.action == "list":
            rows = hazards.list_hazards(ledger, a.status, a.overdue, a.supervised, a.today).hazards
            for h in rows:
                flags = ("【逾期】" if h["overdue"] else "") + ("【督办】" if h["supervised"] else "")
                print(f"{h['id']:>5}  {status_cn(h['status'])}{flags}  期限{h['deadline'] or '—'}  "
                      f"{h['enterprise']}：{h['description']}" + (f"  [{h['order_number']}]" if h["order_number"] else ""))
            print(f"共{len(rows)}项")
        elif a.action == "history":
            for e in hazards.hazard_history(ledger, a.id).events:
                change = f"{status_cn(e['from_status'] or '')}→{status_cn(e['to_status'] or '')}" \
                    if e["from_status"] != e["to_status"] else ""
                print(f"{e['at']}  {e['actor'] or '—'}  {e['action']}  {change}  {e['note'] or ''}")
    return 0


def cmd_record(a):
    from services import review
    from services.ledgers import open_ledger
    with open_ledger(a.db) as ledger:
        if a.action == "suspects":
            rows = review.suspects(ledger).records
            if not rows:
                print("没有待确认的疑似损坏重报")
            for r in rows:
                print(f"记录 {r['id']}：{r['path']}（{r['reporting_unit'] or '单位不详'}，"
                      f"填报日期 {r['fill_date'] or '不详'}）本应取代记录 {r['replaces']}：{r['old_path']}")
                print(f"  {r['message']}")
        elif a.action == "accept":
            res = review.accept_resubmission(ledger, a.id, a.by, a.reason)
            print(f"已确认采用记录 {a.id}，取代记录 {res.replaced}；"
                  f"沿用隐患 {res.hazards_kept} 条，新增隐患 {res.hazards_new} 条")
        else:
            review.reject_resubmission(ledger, a.id, a.by, a.reason)
            print(f"已不予采用记录 {a.id}（保留为历史），原记录仍为当前记录")


# --- the ledger as a whole (issue 12) ----------------------------------------------------------

def cmd_ledger(a):
    from services.ledgers import copy_ledger
    res = copy_ledger(a.source, a.target)
    print(f"已复制台账：{res.source} → {res.target}，共 {sum(res.rows.values())} 行")
    for table, n in res.rows.items():
        if n:
            print(f"  {table}：{n} 行")


# --- statistics, 催报 and summaries (issue 6) -------------------------------------------------

def cmd_stats(a):
    from services.ledgers import open_ledger
    from services.reports import statistics_workbook
    with open_ledger(a.db) as ledger:
        out = statistics_workbook(ledger, Path(a.output), period=a.period, layout=a.layout).out
    print(f"已生成统计表：{out}")


def cmd_remind(a):
    from services.ledgers import open_ledger
    from services.reports import remind
    with open_ledger(a.db) as ledger:
        r = remind(ledger, Path(a.roster), period=a.period, form_type=a.form_type, out=_path(a.output),
                   organ=a.organ)
    print_remind(r, notice_asked=bool(a.output))


def print_remind(r, notice_asked: bool, indent: str = "") -> None:
    print(f"{indent}统计期：{r.period.label}；{r.what}应报 {len(r.roster)} 个单位，已报 {len(r.reported)} 个，"
          f"未报 {len(r.missing)} 个。")
    for u in r.missing:
        extra = "，".join(x for x in (u.category, u.contact, u.phone) if x)
        print(f"{indent}  未报：{u.name}" + (f"（{extra}）" if extra else ""))
    for w in r.warnings:
        print(f"{indent}  注意：{w}")
    if notice_asked:
        print(f"{indent}已生成催报通知：{r.out}" if r.out else f"{indent}所有单位均已报送，未生成催报通知。")


def cmd_summary(a):
    from services.ledgers import open_ledger
    from services.reports import summary_document
    with open_ledger(a.db) as ledger:
        res = summary_document(ledger, Path(a.output), period=a.period, organ=a.organ, kind=a.kind, pdf=a.pdf,
                               chart=not a.no_chart, options=summary_options(a))
    print_warnings(res.warnings)
    print(f"已生成：{res.out}")
    print_summary_checks(res)


def summary_options(a) -> dict:
    """The 版头/版记 options of `summary`: the --options YAML, then --doc-number over it."""
    from generators.gongwen.reformat import load_options
    options = load_options(Path(a.options) if a.options else None)
    if a.doc_number:
        options.update(load_options({"doc_number": a.doc_number}))
    return options


def print_summary_checks(res, indent: str = "") -> None:
    if res.length:
        print(f"{indent}篇幅：{res.length.text}")
    if res.doubts:
        print(f"{indent}数据核对：{len(res.doubts)} 个数字不合常理（已列在文首【数据核对】中，表中标“※”）：")
        for d in res.doubts:
            print(f"{indent}  {d.text}")


def print_warnings(warnings: list[str]) -> None:
    for w in warnings:
        print(f"提示：{w}", file=sys.stderr)


# --- the web workbench (issue 11) ---------------------------------------------------------------

def cmd_serve(a):
    """The web workbench; only on this computer (127.0.0.1) until an administrator account exists.
    --workers N > 1: N server processes (uvicorn's) on the one port; this process runs the job runner once,
    the workers take their settings from the environment (sessions signed with the one key file)."""
    import os

    import uvicorn
    from web.app import create_app, in_background
    from web.settings import Settings
    settings = Settings.load(host=a.host, port=a.port, ledger=a.db, data_dir=a.data, allowed_hosts=a.allowed_hosts)
    app = create_app(settings)          # checks the host and the accounts before anything starts
    workers = max(1, a.workers)
    print(f"工作台已启动：http://{settings.host}:{settings.port}/ （台账 {settings.ledger}，"
          f"{workers} 个网页进程，按 Ctrl+C 停止）", flush=True)
    if workers == 1:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
        return
    from services.jobs import Runner
    from web import files
    settings.secret_key()               # made here once: workers starting together would race to create it
    files.remove_partials(settings.uploads_dir)
    os.environ.update(settings.environ())
    runner = Runner(settings.ledger)
    runner.start()
    in_background(runner.pids)
    try:
        uvicorn.run("web.app:worker_app", factory=True, workers=workers, host=settings.host, port=settings.port,
                    log_level="warning")
    finally:
        runner.stop()


def cmd_worker(a):
    """Parse-job workers: on a PostgreSQL ledger procrastinate workers (any machine), on SQLite local ones."""
    from ledger.backend import display
    from services.jobs import Runner, work
    from web.settings import Settings
    target = a.db or Settings.load().ledger
    print(f"解析进程已启动：{max(1, a.concurrency)} 个（台账 {display(target)}，按 Ctrl+C 停止）", flush=True)
    if a.concurrency <= 1:
        work(target)                    # in this process: a kill of it is the worker's death
        return
    runner = Runner(target, processes=a.concurrency)
    runner.start()
    try:
        runner.join()
    finally:
        runner.stop()


# --- accounts (issue 12) -----------------------------------------------------------------------

def cmd_user(a):
    """Accounts of a multi-unit deployment: add, list, disable, enable, reset a password."""
    from services import accounts
    from services.ledgers import open_ledger
    from web.settings import Settings
    actor = f"命令行（{_os_user()}）"
    with open_ledger(a.db or Settings.load().ledger) as ledger:
        if a.action == "list":
            users = accounts.list_users(ledger)
            for u in users:
                state = "已停用" if u.disabled else (f"锁定至 {u.locked_until[11:16]}" if u.locked_until else "正常")
                last = (u.last_login_at or "从未登录").replace("T", " ")
                print(f"{printable(u.name)}\t{u.role_label}\t{printable(u.unit) or '—'}\t{state}\t最近登录：{last}")
            print(f"共 {len(users)} 个账户")
        elif a.action == "add":
            u = accounts.add_user(ledger, a.name, a.role, a.unit or "", _password(a), actor=actor)
            unit = f"（{printable(u.unit)}）" if u.unit else ""
            print(f"已建立账户：{printable(u.name)}，{u.role_label}{unit}")
        elif a.action == "reset":
            u = accounts.reset_password(ledger, a.name, _password(a), actor=actor)
            print(f"已重置 {printable(u.name)} 的密码，其已登录的会话全部失效")
        else:
            change = accounts.disable_user if a.action == "disable" else accounts.enable_user
            u = change(ledger, a.name, actor=actor)
            print(f"已{'停用' if u.disabled else '启用'}账户：{printable(u.name)}")


def _password(a) -> str:
    """The password from standard input (--password-stdin: its first line), else typed twice at a terminal."""
    if a.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise PaichaError("请用 --password-stdin 从标准输入提供密码", code="password")
    import getpass
    first = getpass.getpass("密码：")
    if getpass.getpass("再输入一次：") != first:
        raise PaichaError("两次输入的密码不一致", code="password")
    return first


def _os_user() -> str:
    import getpass
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 — no login name in some containers
        return "未知用户"


# --- the main job on the samples -------------------------------------------------------------

def cmd_demo(a):
    """Every step into the output folder: notices, parsed returns and ledger, orders, statistics and the summary."""
    out = Path(a.output)
    out.mkdir(parents=True, exist_ok=True)
    steps = [("红头文件", _demo_notices), ("回执解析与台账", _demo_parse),
             ("责令限期整改指令书", _demo_orders), ("统计表、催报与通报", _demo_reports)]
    failed = 0
    for name, step in steps:
        print(f"== {name} ==", flush=True)
        try:
            step(out)
        except Exception as e:  # noqa: BLE001 — one failed step must not hide the others
            failed += 1
            msg = getattr(e, "message", None) or f"{type(e).__name__}: {e}"
            print(f"失败：{name}：{msg}", flush=True)
    print(f"全部完成，结果在 {out}/" if not failed else f"有 {failed} 个步骤失败")
    return 1 if failed else 0


def _demo_notices(out: Path) -> None:
    from services.gongwen import check_document, notices
    target = out / "notices"
    for res in notices(sorted((SAMPLES / "notices").glob("*.md")), target, pdf=True):
        problems = check_document(res.out).problems
        state = "符合 GB/T 9704" if not problems else f"发现 {len(problems)} 处不符合"
        print(f"  {res.out.name}：{state}；PDF {'已生成' if res.pdf else '未生成'}")


def _demo_parse(out: Path) -> None:
    from services.ledgers import open_ledger
    from services.returns import parse_batch
    db = out / "台账.db"
    if db.exists():
        db.unlink()
    inputs = [p for p in (SAMPLES / "returns", SAMPLES / "returns_pdf") if p.exists()]
    with open_ledger(db) as ledger:
        res = parse_batch(inputs, ledger, jsonl=out / "records.jsonl", xlsx=out / "解析结果.xlsx")
    print_summary(res.summary)


def _demo_orders(out: Path) -> None:
    import shutil

    from services.hazards import list_hazards
    from services.ledgers import open_ledger
    from services.orders import issue_orders
    target = out / "orders"
    if target.exists():
        shutil.rmtree(target)
    with open_ledger(out / "台账.db") as ledger:
        # the samples are old returns: the orders are issued as on the day of the last inspection
        last = max((h["found_date"] for h in list_hazards(ledger).hazards if h["found_date"]), default=None)
        print_orders(issue_orders(ledger, target, actor="示例执法人员", issued=last))


def _demo_reports(out: Path) -> None:
    from services.ledgers import open_ledger
    from services.reports import remind, statistics_workbook, summary_document
    with open_ledger(out / "台账.db", must_exist=True) as ledger:
        print(f"  已生成统计表：{statistics_workbook(ledger, out / '统计表.xlsx').out}")
        print_remind(remind(ledger, SAMPLES / "roster.csv", form_type="campaign_stats", out=out / "催报通知.docx"),
                     notice_asked=True, indent="  ")
        res = summary_document(ledger, out / "工作通报.docx")
    print_warnings(res.warnings)
    print(f"  已生成通报：{res.out}")
    print_summary_checks(res, indent="  ")


# --- the commands ------------------------------------------------------------------------------

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
    s.add_argument("--organ", help="发文机关（草稿中找不到时）")
    s.add_argument("--options", help="排版选项 YAML：organs、doc_number、signers、recipients、cc、printer、print_date、note")
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
    s.add_argument("--officer", action="append", metavar="姓名:证号",
                   help="本次各份指令书的执法人员（至多两次；不给时用清单、描述或台账检查表中的，再用执法机关配置中的）")
    s.set_defaults(func=cmd_order)

    s = sub.add_parser("hazard", help="隐患闭环：整改完成、复查、销号、作废指令书、逾期与挂牌督办清单")
    hazard_arguments(s)
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

    s = sub.add_parser("ledger", help="台账整体操作：把台账复制到另一处（如 SQLite 文件导入 PostgreSQL）")
    lsub = s.add_subparsers(dest="action", required=True, metavar="操作")
    r = lsub.add_parser("copy", help="复制整个台账（编号不变）到新的空台账")
    r.add_argument("source", metavar="SRC", help="源台账：SQLite 文件或 postgresql://用户@主机:端口/库名")
    r.add_argument("target", metavar="DST", help="目标台账（须为空）：SQLite 文件或 postgresql:// 地址")
    s.set_defaults(func=cmd_ledger)

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
    s.add_argument("--doc-number", help="发文字号，如 城安办〔2023〕15号")
    s.add_argument("--options", help="版头/版记选项 YAML（与 format --options 相同）：organs、doc_number、signers、"
                                     "recipients、cc、printer、print_date、note")
    s.set_defaults(func=cmd_summary)

    s = sub.add_parser("demo", help="主流程：在样例上生成公文、解析回执、出具指令书、生成统计表和通报")
    s.add_argument("-o", "--output", default="out")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("serve", help="启动本机网页工作台（默认 http://127.0.0.1:8000/）")
    s.add_argument("--host", help="监听地址（默认 127.0.0.1；其他地址需先建立管理员账户）")
    s.add_argument("--port", type=int, help="端口（默认 8000）")
    s.add_argument("--db", help="台账数据库（默认在数据文件夹中）")
    s.add_argument("--data", help="数据文件夹：上传文件、任务文件、密钥（默认 paicha-data）")
    s.add_argument("--allowed-hosts", help="其他电脑访问本机所用的地址（逗号分隔，如 192.168.1.10,paicha.example.cn）")
    s.add_argument("--workers", type=int, default=SERVE_WORKERS,
                   help=f"网页进程数（默认 {SERVE_WORKERS}；解析任务另由一个进程运行）")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("worker", help="启动解析进程：处理网页提交的回执解析任务（PostgreSQL 台账可在多台电脑上运行）")
    s.add_argument("--db", help="台账数据库（postgresql://… 或 SQLite 文件；默认与 serve 相同）")
    s.add_argument("--concurrency", type=int, default=1, help="本机同时运行的解析进程数（默认 1）")
    s.set_defaults(func=cmd_worker)

    s = sub.add_parser("user", help="账户：新建、列出、停用、启用、重置密码（多单位部署）")
    usub = s.add_subparsers(dest="action", required=True, metavar="操作")
    for action, text in (("add", "新建账户"), ("list", "列出全部账户"), ("disable", "停用账户（已登录的会话立即失效）"),
                         ("enable", "重新启用账户"), ("reset", "重置密码（由管理员）")):
        u = usub.add_parser(action, help=text)
        if action != "list":
            u.add_argument("name", metavar="NAME", help="账户名")
        if action == "add":
            u.add_argument("--role", required=True, help="角色：管理员、汇总单位、填报单位、企业")
            u.add_argument("--unit", help="所属填报单位或企业名称（填报单位、企业账户必填）")
        if action in ("add", "reset"):
            u.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（第一行）")
        u.add_argument("--db", help="台账数据库（默认与 serve 相同）")
    s.set_defaults(func=cmd_user)
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
