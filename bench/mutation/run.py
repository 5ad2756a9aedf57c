"""Runner of bench/mutation.sh: for each group below, copies the repo to a temporary directory, runs
mutmut 3 there with the group's fast unit tests, one module at a time, and prints the per-module table.
MUTATION_WORK=dir reuses a work directory (mutmut keeps its results there: a stopped run resumes with the
mutants that have no result yet); MUTATION_JOBS sets the workers (default 2); MUTATION_RECHECK=1 reruns only the mutants
that survived or timed out in the last run in that directory (after new tests were written); MUTATION_SAMPLE=0.2 runs a
fixed fifth of the mutants not yet run (the rates are then over the mutants with a result)."""
from __future__ import annotations

import ast
import fnmatch
import hashlib
import json
import re
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CONFIG = HERE / "setup.cfg"
# group -> (what to mutate: module or module.x_function* pattern, the unit tests that cover it). Only fast
# tests (no LibreOffice, no browser): every mutant runs the tests of the selection that reach its function.
# An entry starting with "-" is passed to pytest as it is (--deselect=...). Changing a group's list makes
# mutmut drop every result of the group (its test-selection fingerprint): add kill tests to the listed files.
GROUPS = {
    "schema": (["schema.normalize", "schema.dates", "schema.numerals", "schema.marks", "schema.keys",
                "schema.totals", "schema.credit_code", "schema.validate"],
               ["test_normalize", "test_properties", "test_validate", "test_mutation_kills_schema"]),
    "check": (["generators.gongwen.check.x_check_*", "generators.gongwen.check.x_fix_*"],  # the rules
              ["test_check", "test_mutation_kills_check",
               # renders each sample notice through LibreOffice (seconds a test)
               "--deselect=tests/test_check.py::test_notice_samples_are_clean"]),
    "ledger": (["ledger.periods", "ledger.aggregate", "ledger.backend", "ledger.db", "ledger.corrections",
                "ledger.orders", "ledger.store"],
               ["test_aggregate", "test_backend", "test_ledger", "test_corrections", "test_order",
                "test_supersede_rule", "test_lifecycle", "test_migrations", "test_ledger_copy",
                "test_mutation_kills_ledger", "test_mutation_kills_store", "test_mutation_kills_orders",
                # LibreOffice page layout of an order (5 s a run), not ledger logic
                "--deselect=tests/test_order.py::test_continuation_keeps_the_first_page_whole_when_printed"]),
    "spec": (["schema.spec"], ["test_forms", "test_yaml_only_forms", "test_mutation_kills_schema"]),
}
# cached loaders of modules a group does not mutate, filled once in the fork server (fastfirst.py)
PRELOAD = {
    "schema": "schema.spec:all_specs,schema.labels:labels",
    "check": "generators.gongwen.profile:load_profile,generators.gongwen.check:rules,schema.spec:all_specs",
    "ledger": "schema.spec:all_specs,schema.labels:labels,schema.normalize:vocab,schema.normalize:_narrow_table",
    "spec": "",
}
# mutmut exit codes (mutmut/stats.py): what counts as killed, survived, timeout
KILLED = {1, 3, 37}
TIMEOUT = {36, 24, -24, 152, 255}
SURVIVED = {0, 5, 33}  # 5 / 33: no test reaches the mutant


def module_of(target: str) -> str:
    """"ledger.orders" of "ledger.orders", "ledger.orders.x_f*" and "ledger.orders.xǁPrintRunǁclose*"."""
    return re.split(r"\.x[_ǁ]", target)[0]


def config_text(copy: Path, group: str) -> str:
    """The base setup.cfg plus the group's files to mutate and its tests that exist (yet) in the copy."""
    targets, tests = GROUPS[group]
    files = sorted({module_of(t).replace(".", "/") + ".py" for t in targets})
    paths = [t if t.startswith("-") else f"tests/{t}.py" for t in tests
             if t.startswith("-") or (copy / "tests" / f"{t}.py").exists()]
    return (CONFIG.read_text(encoding="utf-8") + "only_mutate =\n" + "".join(f"    {f}\n" for f in files)
            + "pytest_add_cli_args_test_selection =\n" + "".join(f"    {p}\n" for p in paths))


def prepare(work: Path, group: str) -> Path:
    """The group's copy: the committed tree (git HEAD), so other people's unfinished edits in the working
    tree never reach the mutants; commit new kill tests before a recheck. Only files that changed are
    rewritten (mutmut regenerates a mutated module whose source is newer than its mutants, a minute or
    more), and their stale copies in mutants/ are removed (mutmut copies a file only when it is missing)."""
    copy = work / group / "paicha"
    copy.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        for src in Path(tmp).rglob("*"):
            rel = src.relative_to(tmp)
            dest = copy / rel
            if src.is_dir():
                continue
            data = src.read_bytes()
            stale = copy / "mutants" / rel
            if (stale.is_file() and not stale.with_name(stale.name + ".meta").exists()
                    and stale.read_bytes() != data):
                stale.unlink()
            if not (dest.is_file() and dest.read_bytes() == data):
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(data)
    (copy / "setup.cfg").unlink(missing_ok=True)
    # tests/conftest.py reads ROOT.parent / "shared"; ROOT is the copy's mutants/ here
    (copy / "mutants").mkdir(exist_ok=True)
    if not (copy / "shared").exists():
        (copy / "shared").symlink_to(ROOT.parent / "shared")
    (copy / "setup.cfg").write_text(config_text(copy, group), encoding="utf-8")
    return copy


def exit_codes(copy: Path) -> dict[str, int | None]:
    codes: dict[str, int | None] = {}
    for meta in (copy / "mutants").rglob("*.py.meta"):
        codes.update(json.loads(meta.read_text(encoding="utf-8")).get("exit_code_by_key", {}))
    return codes


# SQL is case-insensitive (keywords, and unquoted names in SQLite and PostgreSQL alike): a mutant that only
# changes the letter case of an SQL string, not of a quoted literal in it ('open'), is equivalent, except
# upper-casing a select list (SQLite returns column names as written); so is the case of a codec name
# (encoding="UTF-8"). These are recognised from the mutant's source and not run.
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|WHERE|FROM|VALUES|SET|JOIN|COALESCE)\b",
                 re.IGNORECASE)


def _case_only(orig: str, mutant: str) -> str | None:
    """Why a one-line change is equivalent ("SQL 大小写" / "编码名大小写"), or None."""
    if orig == mutant or orig.lower() != mutant.lower():
        return None
    i = next(k for k, (a, b) in enumerate(zip(orig, mutant)) if a != b)
    j = len(orig) - next(k for k, (a, b) in enumerate(zip(orig[::-1], mutant[::-1])) if a != b)
    changed = orig[i:j]
    if re.search(r"encoding=[\"'][\w-]*$", orig[:i]) and re.fullmatch(r"[\w-]*", changed):
        return "编码名大小写"
    literal = re.search(r"[\"']([^\"']*)$", orig[:i])
    string = (literal.group(1) if literal else "") + orig[i:].split('"')[0]
    # upper-cased names come back upper-cased from SQLite in a select list (cursor.description) and in
    # the catalogue (sqlite_master) after CREATE / ALTER
    upper_names = mutant[i:j] == changed.upper() and re.search(r"\b(SELECT|AS|RETURNING|CREATE|ALTER)\b",
                                                                string, re.I)
    sql = len(SQL.findall(string)) >= 2 or (SQL.search(string) and " " in string.strip())
    literals = re.findall(r"'[^']*'", orig) == re.findall(r"'[^']*'", mutant)  # 'open' stays 'open'
    if sql and literals and "{" not in changed and not upper_names:
        return "SQL 大小写"
    return None


def mechanical_equivalents(copy: Path, module: str) -> dict[str, str]:
    """{mutant: reason} of a module's mutants that differ from the original only in the case of an SQL
    string or a codec name (read from mutmut's mutated module: x_f__mutmut_orig beside x_f__mutmut_N)."""
    path = copy / "mutants" / (module.replace(".", "/") + ".py")
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    bodies = {node.name: lines[node.lineno:node.end_lineno] for node in ast.walk(ast.parse(text))
              if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and "__mutmut_" in node.name}
    found = {}
    for name, body in bodies.items():
        prefix, _, n = name.rpartition("__mutmut_")
        orig = bodies.get(prefix + "__mutmut_orig")
        if n == "orig" or orig is None or len(orig) != len(body):
            continue
        diff = [(a, b) for a, b in zip(orig, body) if a != b]
        if len(diff) == 1 and (why := _case_only(*diff[0])):
            found[f"{module}.{name}"] = why
    return found


def classify(code: int | None) -> str:
    if code in KILLED:
        return "killed"
    if code in TIMEOUT:
        return "timeout"
    if code in SURVIVED:
        return "survived"
    return "other" if code is not None else "unchecked"


def sampled(name: str, fraction: float) -> bool:
    """A fixed pseudo-random part of the mutants (by a hash of the name: the same ones every run)."""
    return int(hashlib.sha256(name.encode()).hexdigest()[:8], 16) < fraction * 0x100000000


def main(argv: list[str]) -> int:
    """argv: group names (all their targets) and/or single targets (a module, or module.x_function*)."""
    plan: dict[str, list[str]] = {}  # group -> targets
    for arg in argv or list(GROUPS):
        if arg in GROUPS:
            plan.setdefault(arg, []).extend(GROUPS[arg][0])
        else:
            group = next((g for g, (ts, _) in GROUPS.items() if module_of(arg) in map(module_of, ts)), None)
            if group is None:
                raise SystemExit(f"不在变异范围内：{arg}（见 run.py 的 GROUPS）")
            plan.setdefault(group, []).append(arg)
    work = Path(os.environ.get("MUTATION_WORK") or tempfile.mkdtemp(prefix="paicha-mutation-"))
    mutmut = Path(sys.executable).with_name("mutmut")
    if not mutmut.exists():
        raise SystemExit("需要 mutmut 3：.venv/bin/pip install 'mutmut>=3.8,<4'")
    jobs = os.environ.get("MUTATION_JOBS", "2")
    fraction = float(os.environ.get("MUTATION_SAMPLE", "1"))
    print(f"工作目录：{work}" + (f"；抽样 {fraction:.0%}" if fraction < 1 else ""), flush=True)
    rows, survivors = [], []
    for group, targets in plan.items():
        copy = prepare(work, group)
        seconds = run_group(mutmut, jobs, work, copy, group, targets, fraction)
        for target in targets:
            rows.append(report(work, copy, target, survivors, seconds, fraction))
    total = sum(r[1] for r in rows)
    alive = sum(r[2]["survived"] for r in rows)
    equivalent = sum(r[2]["equivalent"] for r in rows)
    ran = sum(r[2]["killed"] + r[2]["survived"] + r[2]["timeout"] + r[2]["equivalent"] for r in rows)
    print(f"{'合计':34} 生成 {total:5}  有结果 {ran:5}  存活 {alive:4}  机械等价 {equivalent:3}  "
          f"存活率 {alive / max(ran, 1):6.1%}（占有结果的）")
    diffs = []
    for copy, name in survivors:
        shown = subprocess.run([str(mutmut), "show", name], cwd=copy, capture_output=True, text=True)
        diffs.append(f"## {name}\n{shown.stdout}")
    (work / "survivors.txt").write_text("\n".join(diffs), encoding="utf-8")
    print(f"存活变异体的差异：{work / 'survivors.txt'}")
    return 0


def generate(copy: Path) -> None:
    """mutmut's generation step alone (mutated modules and their .meta files, no test run)."""
    code = ("import os; os.makedirs('mutants', exist_ok=True)\n"
            "from mutmut.mutation.trampoline import set_mutant_under_test\n"
            "from mutmut.utils.file_utils import copy_src_dir, copy_also_copy_files, setup_source_paths\n"
            "from mutmut.__main__ import create_mutants\n"
            "set_mutant_under_test('mutant_generation')\n"
            "copy_src_dir(); copy_also_copy_files(); setup_source_paths(); print(create_mutants(1))\n")
    subprocess.run([sys.executable, "-c", code], cwd=copy, check=True, capture_output=True)


def run_group(mutmut: Path, jobs: str, work: Path, copy: Path, group: str, targets: list[str],
              fraction: float) -> float:
    """One mutmut run for the group's targets (one stats, clean and forced-fail run instead of one per
    module): the mutants without a result yet, or with MUTATION_RECHECK=1 the survivors and timeouts; returns seconds."""
    patterns = [t if "*" in t else t + ".*" for t in targets]
    codes = exit_codes(copy)
    if fraction < 1 and not all(any(fnmatch.fnmatch(k, p) for k in codes) for p in patterns):
        generate(copy)  # a sample needs the names first; mutmut run would run every mutant it generates
        codes = exit_codes(copy)
    names: list[str] = []
    for target, pattern in zip(targets, patterns):
        equivalent = mechanical_equivalents(copy, module_of(target))
        known = {k: c for k, c in codes.items() if fnmatch.fnmatch(k, pattern)}
        if not known:  # never generated: mutmut generates them (all of them run)
            names.append(pattern)
        elif os.environ.get("MUTATION_RECHECK"):
            names += [k for k, c in known.items() if classify(c) in ("survived", "timeout") and k not in equivalent]
        else:
            names += [k for k, c in known.items()
                      if c is None and k not in equivalent and sampled(k, fraction)]
    start = time.monotonic()
    # fastfirst.py (the -p fastfirst of setup.cfg) is imported from this directory
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(HERE), os.environ.get("PYTHONPATH")])),
               MUTATION_PRELOAD=PRELOAD[group])
    proc = subprocess.run([str(mutmut), "run", "--max-children", jobs, *names], cwd=copy, env=env,
                          capture_output=True, text=True) if names else subprocess.CompletedProcess([], 0, "", "")
    (work / f"{group}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode:
        print(f"{group}：mutmut 退出码 {proc.returncode}，见 {work / f'{group}.log'}", flush=True)
    return time.monotonic() - start


def report(work: Path, copy: Path, target: str, survivors: list, seconds: float, fraction: float) -> tuple:
    """Prints one target's row from mutmut's results (mechanical equivalents counted among the results
    when run, or when in the sample)."""
    pattern = target if "*" in target else target + ".*"
    codes = {k: v for k, v in exit_codes(copy).items() if fnmatch.fnmatch(k, pattern)}
    equivalent = {k: why for k, why in mechanical_equivalents(copy, module_of(target)).items() if k in codes}
    (work / f"{target.replace('*', '')}.equivalent.json").write_text(
        json.dumps(equivalent, ensure_ascii=False, indent=1), encoding="utf-8")
    count = Counter("equivalent" if k in equivalent and (classify(c) == "survived" or c is None
                                                         and sampled(k, fraction)) else classify(c)
                    for k, c in codes.items())
    survivors += [(copy, k) for k, c in sorted(codes.items()) if classify(c) == "survived" and k not in equivalent]
    ran = count["killed"] + count["survived"] + count["timeout"] + count["equivalent"]
    print(f"{target:34} 生成 {len(codes):5}  有结果 {ran:5}  杀死 {count['killed']:5}  存活 {count['survived']:4}  "
          f"机械等价 {count['equivalent']:3}  超时 {count['timeout']:3}  未跑 {count['other'] + count['unchecked']:4}  "
          f"存活率 {count['survived'] / max(ran, 1):6.1%}（含机械等价 "
          f"{(count['survived'] + count['equivalent']) / max(ran, 1):6.1%}）  组用时 {seconds:5.0f} 秒", flush=True)
    return target, len(codes), count, seconds


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
