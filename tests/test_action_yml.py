"""action.yml: every input documented and defaulted, mapped to INPUT_<NAME>, and read by the code.

The names the code reads are taken from the source (calls such as ``read_input(env, "name")``,
``_bool(env, "name", True)``), so an input added on one side only fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from lint.config import LEVELS

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
SETTINGS = ROOT / "lint" / "github" / "settings.py"
SIZE = ROOT / "lint" / "size"

INPUTS = (
    "github-token", "dockerfile", "recursive", "config", "failure-threshold", "ignore",
    "trusted-registries", "override-error", "override-warning", "override-info", "override-style",
    "no-fail", "format", "output-file", "include", "exclude", "filter-mode", "annotations",
    "comment", "comment-key", "comment-author", "target", "hadolint-all-stages", "pin-exempt",
    "fetch-base", "size", "images", "head-image", "base-image", "registry-username",
    "registry-password", "docker-config", "registry-max-download", "max-image-size",
    "max-size-increase", "minimum-change-threshold", "build-timeout", "max-parallel-builds",
    "docker-command",
)
DEFAULTS = {
    "github-token": "${{ github.token }}", "recursive": "true", "failure-threshold": "warning",
    "no-fail": "false", "format": "sarif", "output-file": "dockerfile-review.sarif",
    "filter-mode": "added", "annotations": "true", "comment": "on-change",
    "comment-author": "github-actions[bot]", "hadolint-all-stages": "false", "fetch-base": "true",
    "size": "true", "minimum-change-threshold": "1KiB", "build-timeout": "15m",
    "max-parallel-builds": "2", "docker-command": "docker", "registry-max-download": "2GiB",
}
OUTPUTS = (
    "sarif-file", "findings", "new-findings", "report-json", "comment-url", "comment-file",
    "size-report", "size-delta-bytes",
)
# Inputs the size step (lint/size/) reads rather than settings.py.
SIZE_INPUTS = frozenset({
    "images", "head-image", "max-image-size", "max-size-increase", "minimum-change-threshold",
    "build-timeout", "max-parallel-builds", "docker-command", "base-image", "registry-username",
    "registry-password", "docker-config", "registry-max-download",
})


def load_action() -> dict[str, Any]:
    data = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def env_name(name: str) -> str:
    return "INPUT_" + name.upper().replace("-", "_")


def inputs_read_by(paths: list[Path]) -> dict[str, str | None]:
    """Input names the code reads, each with the literal default it passes (or None).

    A read is a call whose first argument is ``env`` (the environment mapping) and whose second
    is a literal input name, or an f-string ``"override-{level}"`` (expanded over LEVELS)."""
    found: dict[str, str | None] = {}
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and len(node.args) >= 2
                    and isinstance(node.args[0], ast.Name) and node.args[0].id == "env"):
                continue
            arg = node.args[1]
            default: str | None = None
            if len(node.args) >= 3 and isinstance(node.args[2], ast.Constant):
                value = node.args[2].value
                if isinstance(value, bool):
                    default = "true" if value else "false"
                elif isinstance(value, str | int):
                    default = str(value)
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str) \
                    and re.fullmatch(r"[a-z][a-z0-9-]*", arg.value):
                found[arg.value] = default
            elif isinstance(arg, ast.JoinedStr):
                parts = [p.value for p in arg.values if isinstance(p, ast.Constant)]
                if parts == ["override-"]:
                    for level in LEVELS:
                        found[f"override-{level}"] = default
    return found


def test_runs_as_docker_action_built_from_dockerfile() -> None:
    runs = load_action()["runs"]
    assert runs["using"] == "docker"
    assert runs["image"] == "Dockerfile"
    assert (ROOT / runs["image"]).is_file()


def test_metadata_and_branding() -> None:
    action = load_action()
    assert action["name"] == "dockerfile-review"
    assert action["description"].strip()
    assert set(action["branding"]) == {"icon", "color"}


def test_exactly_the_documented_inputs() -> None:
    assert tuple(load_action()["inputs"]) == INPUTS


def test_every_input_has_description_and_default() -> None:
    for name, spec in load_action()["inputs"].items():
        assert isinstance(spec.get("description"), str) and spec["description"].strip(), name
        assert "default" in spec, name
        assert isinstance(spec["default"], str), f"{name}: default must be a string"
        assert spec.get("required", False) is False, name
        # GitHub evaluates no expressions in descriptions; one there breaks the action.
        assert "${{" not in spec["description"], name


def test_defaults() -> None:
    inputs = load_action()["inputs"]
    assert {n: inputs[n]["default"] for n in DEFAULTS} == DEFAULTS
    assert {n for n, s in inputs.items() if s["default"] != ""} == set(DEFAULTS)


def test_every_input_is_mapped_to_its_env_variable() -> None:
    action = load_action()
    env = action["runs"]["env"]
    expected = {env_name(n): f"${{{{ inputs.{n} }}}}" for n in action["inputs"]}
    assert env == expected


def test_outputs() -> None:
    outputs = load_action()["outputs"]
    assert tuple(outputs) == OUTPUTS
    for name, spec in outputs.items():
        assert spec["description"].strip(), name


def test_settings_reads_the_declared_inputs() -> None:
    if not SETTINGS.is_file():
        pytest.skip("lint/github/settings.py is not there yet")
    read = inputs_read_by([SETTINGS])
    declared = load_action()["inputs"]
    assert set(read) - set(declared) == set(), "read by settings.py but not in action.yml"
    assert set(declared) - SIZE_INPUTS - set(read) == set(), "in action.yml but never read"
    for name, default in read.items():
        if default is not None:
            assert declared[name]["default"] == default, name


def test_size_step_reads_the_declared_inputs() -> None:
    sources = sorted(SIZE.rglob("*.py")) if SIZE.is_dir() else []
    if not sources:
        pytest.skip("lint/size/ is not there yet: its inputs cannot be checked")
    read = inputs_read_by(sources + ([SETTINGS] if SETTINGS.is_file() else []))
    declared = load_action()["inputs"]
    assert SIZE_INPUTS - set(read) == set(), "size inputs in action.yml that no code reads"
    assert set(read) - set(declared) == set(), "read by the code but not in action.yml"


def test_user_docs_list_every_input_with_its_default_and_every_output() -> None:
    doc = (ROOT / "README.md").read_text(encoding="utf-8")
    action = load_action()
    for name, spec in action["inputs"].items():
        default = f"`{spec['default']}`" if spec["default"] else "(empty)"
        assert f"| `{name}` | {default} |" in doc, name
    for name in action["outputs"]:
        assert f"| `{name}` |" in doc, name
