"""The code's structure: no import cycle, nothing imports the CLI, every engine implements the whole protocol."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

from digitizer.ocr.base import OcrEngine

PKG = Path(__file__).resolve().parent.parent / "digitizer"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every digitizer module ``path`` imports, at its top or inside a function."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            for alias in node.names:
                full = f"{mod}.{alias.name}"
                out.add(full if (PKG.parent / (full.replace(".", "/") + ".py")).exists() else mod)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return {m for m in out if m.startswith("digitizer") and m != name}


def _graph() -> dict[str, set[str]]:
    mods = {_module_name(p): p for p in PKG.rglob("*.py")}
    return {m: {i for i in _imports(p) if i in mods} for m, p in mods.items()}


def test_no_module_imports_the_cli() -> None:
    importers = sorted(m for m, deps in _graph().items() if "digitizer.cli" in deps)
    assert importers == []


def test_the_import_graph_has_no_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        stack.append(m)
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                pytest.fail("import cycle: " + " -> ".join([*stack[stack.index(d) :], d]))
            if d not in state:
                visit(d)
        stack.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m)


def _protocol_methods() -> dict[str, inspect.Signature]:
    return {
        n: inspect.signature(f)
        for n, f in vars(OcrEngine).items()
        if callable(f) and not n.startswith("_") and n not in ("register",)
    }


@pytest.mark.parametrize("engine", ["ppocr", "paddle"])
def test_every_engine_implements_the_whole_protocol(engine: str) -> None:
    if engine == "ppocr":
        from digitizer.ocr.ppocr import PPOCREngine as cls
    else:
        from digitizer.ocr.paddle import PaddleEngine as cls
    methods = _protocol_methods()
    assert {"detect", "detect_probe", "detect_scaled", "recognize", "first_reader", "info"} <= set(methods)
    for name, sig in methods.items():
        impl = getattr(cls, name, None)
        assert impl is not None, f"{cls.__name__} lacks {name}"
        assert list(inspect.signature(impl).parameters) == list(sig.parameters), (cls.__name__, name)
    assert isinstance(cls.name, str)


def test_the_pipeline_asks_an_engine_for_nothing_outside_the_protocol() -> None:
    protocol = set(_protocol_methods()) | {"name"}
    for module in ("pipeline.py", "detect.py", "straighten.py", "batch.py"):
        tree = ast.parse((PKG / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr":
                first = node.args[0]
                assert not (isinstance(first, ast.Name) and first.id == "engine"), f"getattr on an engine in {module}"
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "engine":
                assert node.attr in protocol, f"{module} calls engine.{node.attr}, not in OcrEngine"
