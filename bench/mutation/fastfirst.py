"""pytest plugin for bench/mutation.sh: runs the cheapest tests first, so a mutant killed by any quick test
stops there (mutmut runs each mutant's tests with -x, in the arbitrary order of a set). A test's cost is its
setup + call + teardown as measured in the unmutated runs (mutmut's stats and clean-test runs), kept in
fastfirst-durations.json next to mutmut-stats.json; mutmut's own table has the call phase only, so a test
with a 1 s fixture looked free. Loaded with -p fastfirst (run.py puts this directory on PYTHONPATH)."""
from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

FILE = Path("fastfirst-durations.json")  # cwd is mutmut's mutants/ directory
UNKNOWN = 10.0  # a test never measured goes last
_spent: dict[str, float] = defaultdict(float)


def _measuring() -> bool:
    # mutmut sets MUTANT_UNDER_TEST: "stats" for the coverage run, "" for the clean run, a name for a mutant
    return os.environ.get("MUTANT_UNDER_TEST", "") in ("", "stats")


def _known() -> dict[str, float]:
    try:
        return json.loads(FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def pytest_collection_modifyitems(session, config, items) -> None:
    known = _known() if os.environ.get("MUTATION_FASTFIRST") != "0" else {}  # 0: mutmut's order, to compare
    if known:  # stable: equal costs keep pytest's order (module fixtures stay together)
        items.sort(key=lambda item: known.get(item.nodeid, UNKNOWN))


def pytest_runtest_logreport(report) -> None:
    if _measuring():
        _spent[report.nodeid] += report.duration


def pytest_sessionfinish(session, exitstatus) -> None:
    if _measuring() and _spent:
        known = _known()
        known.update(_spent)
        FILE.write_text(json.dumps(known, ensure_ascii=False, indent=0), encoding="utf-8")
