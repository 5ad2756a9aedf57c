"""Layers import downwards only: every module's imports (function-level ones too), read with ast."""
import ast
from pathlib import Path

from conftest import ROOT

# lowest first; a module belongs to the layer of its longest matching prefix
LAYERS = [
    ("text utilities and the document model", ["schema.errors", "schema.runfiles", "schema.office",
                                               "schema.own_output", "schema.credit_code", "parsers.model",
                                               "schema.numerals", "schema.marks", "schema.dates", "schema.keys",
                                               "schema.totals"]),
    ("readers", ["parsers.readers", "parsers.ocr"]),
    ("recognise and schema", ["schema", "parsers", "parsers.ocr.trust",      # trust: checks OCR'd records
                              "parsers.ocr.known"]),                           # known: corrects their names
    ("ledger", ["ledger"]),
    ("documents", ["generators"]),
    ("batch parsing: readers, recognition, ledger and workbook together", ["parsers.pipeline"]),
    ("services", ["services"]),
    ("cli and web", ["cli", "web"]),
]
PACKAGES = ("schema", "parsers", "ledger", "generators", "services", "web")


def layer_of(module: str) -> int | None:
    best = None
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[0]:
                    best = (len(prefix), rank)
    return best[1] if best else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, at any depth."""
    return imports_in(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")


def imports_in(text: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, module) of every import in `text`, the source of `module`; relative imports resolved,
    `from pkg import mod` read as pkg.mod."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    out = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            out += [(node.lineno, f"{name}.{a.name}" if is_module(f"{name}.{a.name}") else name)
                    for a in node.names]
    return sorted(out)


def our_files() -> list[Path]:
    files = [ROOT / "cli.py"]
    for pkg in PACKAGES:
        files += sorted((ROOT / pkg).rglob("*.py"))
    return files


def test_every_module_has_a_layer():
    assert [module_name(f) for f in our_files() if layer_of(module_name(f)) is None] == []


def test_imports_go_downwards_only():
    upward = []
    for f in our_files():
        me = module_name(f)
        for line, target in imports(f):
            rank = layer_of(target)
            if rank is not None and rank > layer_of(me):
                upward.append(f"{f.relative_to(ROOT)}:{line} {me} ({LAYERS[layer_of(me)][0]}) imports "
                              f"{target} ({LAYERS[rank][0]})")
    assert upward == []


def test_the_check_sees_function_level_and_from_imports():
    """An import hidden in a function is found, and `from pkg import mod` names the module."""
    text = ("from schema.errors import PaichaError\n"
            "def f():\n    from generators import order\n    import services.hazards\n"
            "    from .db import connect\n")
    assert [t for _, t in imports_in(text, "ledger.x")] == ["schema.errors", "generators.order",
                                                             "services.hazards", "ledger.db"]
    assert [layer_of(t) for _, t in imports_in(text, "ledger.x")] == [0, 4, 6, 3]
