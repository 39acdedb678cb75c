"""Imports run one way (docs/ARCHITECTURE.md): a module imports only modules of lower layers,
or of its own layer inside its own package. Checked on the source, so a new module must be
placed in the table below."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Lowest first. A name stands for the module and, with a trailing ``*``, everything under it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("lint", "lint.finding", "lint.dockerfile", "lint.diff", "lint.redact", "lint.inputs",
     "lint.dockerignore", "lint.globs", "lint.subprocess_env"),
    ("lint.rules._*",),
    ("lint.rules", "lint.rules.dc*"),
    ("lint.config", "lint.catalog", "lint.ruledoc", "lint.identity", "lint.heredoc"),
    ("lint.engine", "lint.docs", "lint.fingerprint"),
    ("lint.hadolint", "lint.context", "lint.discovery"),
    ("lint.run", "lint.review", "lint.size.measure", "lint.size.budget", "lint.size.align",
     "lint.size.waste", "lint.size.report", "lint.size.bakefile", "lint.size.progress",
     "lint.size.published", "lint.size.definition", "lint.size.platforms"),
    ("lint.sinks", "lint.sinks.*"),
    ("lint.outcome",),
    ("lint.git",),
    ("lint.github", "lint.github.*", "lint.size", "lint.size.docker", "lint.size.buildx",
     "lint.size.images", "lint.size.settings", "lint.size.step", "lint.size.registry"),
    ("entrypoint", "lint.cli", "lint.size.__main__"),
    ("lint.__main__",),
)


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    files = [*ROOT.glob("lint/**/*.py"), ROOT / "entrypoint.py"]
    return {_module(p): p for p in files}


def layer(module: str) -> int:
    for index, names in enumerate(LAYERS):
        for name in names:
            if module == name or (name.endswith("*") and module.startswith(name[:-1])
                                  and "." not in module[len(name) - 1:]):
                return index
    raise AssertionError(f"{module} is in no layer: add it to tests/test_layers.py")


def _package(module: str, modules: dict[str, Path]) -> str:
    """The package a module belongs to (a package's ``__init__`` belongs to itself)."""
    if modules[module].name == "__init__.py":
        return module
    return module.rsplit(".", 1)[0] if "." in module else ""


def imports(path: Path, known: set[str]) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "lint":
            for alias in node.names:
                name = f"{node.module}.{alias.name}"
                out.add(name if name in known else node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "lint"}
    return out


def test_every_module_has_a_layer() -> None:
    for module in _modules():
        layer(module)


def test_imports_run_one_way() -> None:
    modules = _modules()
    wrong = []
    for module, path in sorted(modules.items()):
        for dep in sorted(imports(path, set(modules)) - {module}):
            low, high = layer(dep), layer(module)
            package = _package(module, modules)
            # Inside a subpackage (rules, sinks, github, size) modules of one layer work
            # together; top-level modules of one layer are siblings and stay apart.
            same_package = _package(dep, modules) == package and package not in ("", "lint")
            if low > high or (low == high and not same_package):
                wrong.append(f"{module} (layer {high}) imports {dep} (layer {low})")
    assert wrong == []


def test_the_table_catches_an_upward_import() -> None:
    # The check itself: a sink importing the GitHub edge, or size reaching into github.
    assert layer("lint.github.api") > layer("lint.sinks.comment")
    assert layer("lint.size.step") == layer("lint.github.base")
    modules = _modules()
    assert _package("lint.size.step", modules) != _package("lint.github.base", modules)
