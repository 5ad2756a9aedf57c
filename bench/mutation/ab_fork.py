"""What fastfirst.py saves per mutant: replays mutmut's fork-server pattern (collect the tests once, then fork
and run pytest on a few node ids per "mutant") with the savings off (MUTATION_FASTFIRST=0) and on,
alternating, and prints the medians and their ratio (baseline: off, measured in the same run).

    .venv/bin/python bench/mutation/ab_fork.py /tmp/h1mut/ledger/paicha/mutants [pairs]

The directory is a ledger group's mutants/ directory left by bench/mutation.sh (MUTATION_WORK=...)."""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS = ["tests/test_ledger.py::test_record_columns_and_json[sqlite]",
         "tests/test_ledger.py::test_other_subject_does_not_supersede[sqlite]"]
PRELOAD = "schema.spec:all_specs,schema.labels:labels,schema.normalize:vocab,schema.normalize:_narrow_table"


def child() -> None:
    """One fork server: warm up by collecting, then six forked runs; prints their median wall time."""
    import pytest
    args = ["--rootdir=.", "-q", "-p", "no:cacheprovider", "-p", "fastfirst"]
    pytest.main(args + ["--collect-only", "-qq", "tests/test_ledger.py"])
    times = []
    for _ in range(6):
        start = time.monotonic()
        pid = os.fork()
        if pid == 0:
            os.environ["MUTANT_UNDER_TEST"] = "ledger.store.x_hazard_statement__mutmut_1"
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            os._exit(int(pytest.main(args + ["-x", *TESTS])))
        _, status = os.waitpid(pid, 0)
        if status:
            raise SystemExit(f"测试失败（退出状态 {status}）")
        times.append(time.monotonic() - start)
    print(statistics.median(times))


def main(argv: list[str]) -> int:
    mutants, pairs = Path(argv[0]), int(argv[1]) if len(argv) > 1 else 3
    medians: dict[str, list[float]] = {"0": [], "1": []}
    for _ in range(pairs):
        for on in ("0", "1"):
            env = dict(os.environ, MUTATION_FASTFIRST=on, MUTATION_PRELOAD=PRELOAD, PYTHONPATH=str(HERE))
            out = subprocess.run([sys.executable, __file__, "--child"], cwd=mutants, env=env, check=True,
                                 capture_output=True, text=True).stdout.split()
            medians[on].append(float(out[-1]))
    off, on = statistics.median(medians["0"]), statistics.median(medians["1"])
    print(f"每个变异体（两项测试，fork 后运行）：不省 {off:.2f} 秒 {[round(x, 2) for x in medians['0']]}，"
          f"省去后 {on:.2f} 秒 {[round(x, 2) for x in medians['1']]}，快 {off / on:.1f} 倍")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--child"]:
        child()
    else:
        sys.exit(main(sys.argv[1:]))
