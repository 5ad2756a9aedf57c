"""Every command of cli.py (the whole argparse tree) is in README.md's command table and run by a test."""
import argparse
import ast
import re
from pathlib import Path

from conftest import ROOT

import cli

TESTS = Path(__file__).resolve().parent
CALLERS = {"main", "cli", "run", "run_cli", "Popen"}       # the ways tests run the CLI


def commands(parser: argparse.ArgumentParser, prefix: tuple = ()) -> list[tuple[str, ...]]:
    """("notice",), ("hazard",), ("hazard", "recheck"), … for every subcommand, depth first."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out.append(prefix + (name,))
                out += commands(sub, prefix + (name,))
    return out


def command_table() -> str:
    """The rows of README.md's 常用命令 table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## 常用命令", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def _strings(node) -> list[str]:
    """The string constants of a call's arguments, lists and tuples flattened, in order."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [s for e in node.elts for s in _strings(e)]
    if isinstance(node, ast.Starred):
        return _strings(node.value)
    return []


def commands_run_by_tests() -> set[tuple[str, ...]]:
    """Command paths the test files run: cli.main([...]), cli(...), run_cli(...), a subprocess of cli.py."""
    tree = cli.build_parser()
    top = {c[0] for c in commands(tree)}
    seen = set()
    for path in TESTS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name not in CALLERS:
                continue
            words = [s for a in node.args for s in _strings(a)]
            first = next((i for i, w in enumerate(words) if w in top), None)
            if first is not None:
                seen.add((words[first],))
                if first + 1 < len(words):
                    seen.add((words[first], words[first + 1]))
    return seen


def test_every_command_is_in_the_readme_table():
    table = command_table()
    missing = [" ".join(c) for c in commands(cli.build_parser())
               if not re.search(r"(cli\.py |`)" + re.escape(" ".join(c)) + r"\b", table)]
    assert missing == []


def test_every_command_is_run_by_a_test():
    every = set(commands(cli.build_parser()))
    assert sorted(" ".join(c) for c in every - commands_run_by_tests()) == []


def test_the_walk_sees_nested_commands():
    found = commands(cli.build_parser())
    assert ("hazard", "recheck") in found and ("record", "accept") in found and ("notice",) in found
    assert ("hazard", "--db") not in found
