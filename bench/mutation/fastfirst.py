"""pytest plugin for bench/mutation.sh, loaded with -p fastfirst (run.py puts this directory on PYTHONPATH).
Three savings per mutant, none of which changes what a test sees:

- the cheapest tests first, so a mutant killed by any quick test stops there (mutmut runs each mutant's
  tests with -x, in the arbitrary order of a set). A test's cost is its setup + call + teardown measured in
  the unmutated runs (mutmut's stats and clean-test runs), kept in fastfirst-durations.json next to
  mutmut-stats.json; mutmut's own table has the call phase only, so a test with a 1 s fixture looked free;
- yaml.safe_load through libyaml (CSafeLoader: the same SafeConstructor, the scanner and parser in C): each
  mutant starts from a clean fork server, so every form spec, values.yaml and profile is parsed again;
- MUTATION_PRELOAD="module:function,...": cached loaders called once in the fork server (its warm-up
  collection), so every mutant inherits them. Only loaders of modules the group does not mutate (run.py
  GROUPS): a cache filled by unmutated code hides no mutant;
- gc.freeze() at the end of the fork server's warm-up: pytest's unraisable-exception plugin runs gc.collect()
  five times when each mutant's session ends, which walked every object of every imported module
  (0.8 s a mutant); frozen objects are left out, the mutant's own garbage is still collected.
MUTATION_FASTFIRST=0 turns all of it off (to measure what it saves)."""
from __future__ import annotations

import gc
import importlib
import json
import os
from collections import defaultdict
from pathlib import Path

import yaml

ON = os.environ.get("MUTATION_FASTFIRST") != "0"
if ON and getattr(yaml, "__with_libyaml__", False):
    yaml.safe_load = lambda stream: yaml.load(stream, Loader=yaml.CSafeLoader)

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


def pytest_configure(config) -> None:
    for entry in filter(None, os.environ.get("MUTATION_PRELOAD", "").split(",") if ON else []):
        module, _, function = entry.strip().partition(":")
        getattr(importlib.import_module(module), function)()


def pytest_collection_modifyitems(session, config, items) -> None:
    known = _known() if ON else {}
    if known:  # stable: equal costs keep pytest's order (module fixtures stay together)
        items.sort(key=lambda item: known.get(item.nodeid, UNKNOWN))


def pytest_runtest_logreport(report) -> None:
    if _measuring():
        _spent[report.nodeid] += report.duration


def pytest_sessionfinish(session, exitstatus) -> None:
    if ON and session.config.option.collectonly:  # mutmut's fork-server warm-up
        gc.freeze()
    if _measuring() and _spent:
        known = _known()
        known.update(_spent)
        FILE.write_text(json.dumps(known, ensure_ascii=False, indent=0), encoding="utf-8")
