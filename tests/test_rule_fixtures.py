"""Every rule fixture under tests/rules/<CODE>/ states its expected findings on its first line:

    # expect: DC301@2, DC301@6        (code@line, optionally :severity)
    # expect: none

A fixture is a file (linted with its directory as the build context) or a directory holding a
Dockerfile (the directory is the context). Only findings of the directory's rule are compared;
the exact set must match. Our rules only: hadolint is not run here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lint import context as context_io
from lint.config import Config
from lint.dockerfile import parse
from lint.engine import OPT_IN, analyze, apply_config
from lint.rules import BY_CODE, RULES

RULES_DIR = Path(__file__).parent / "rules"
_EXPECT = re.compile(r"^#\s*expect:\s*(.+)$")


def _dockerfile_of(fixture: Path) -> Path:
    if fixture.is_file():
        return fixture
    candidates = sorted(p for p in fixture.iterdir() if p.name.endswith("Dockerfile"))
    assert candidates, f"{fixture} has no Dockerfile"
    return candidates[0]


def fixtures() -> list[Path]:
    out = []
    for rule_dir in sorted(RULES_DIR.iterdir()):
        if rule_dir.is_dir() and rule_dir.name in BY_CODE:
            out += sorted(p for p in rule_dir.iterdir() if p.name.startswith(("bad_", "good_")))
    return out


def expected(dockerfile: Path) -> set[tuple[str, int, str | None]]:
    first = dockerfile.read_text(encoding="utf-8").split("\n", 1)[0]
    match = _EXPECT.match(first)
    assert match, f"{dockerfile}: first line must be '# expect: ...'"
    if match.group(1).strip() == "none":
        return set()
    out = set()
    for item in match.group(1).split(","):
        code, _, rest = item.strip().partition("@")
        line, _, severity = rest.partition(":")
        out.add((code, int(line), severity or None))
    return out


def lint_fixture(fixture: Path) -> list[tuple[str, int, str]]:
    dockerfile = _dockerfile_of(fixture)
    # Linted as a file named Dockerfile: a fixture's own name (bad_..._builder) is not the
    # name of an image.
    parsed = parse("Dockerfile", dockerfile.read_bytes())
    ctx = context_io.load(dockerfile, fixture if fixture.is_dir() else None)
    # Opt-in rules are turned on as a user would: their code under an override level.
    on = Config(enabled=OPT_IN)
    findings = apply_config(analyze(parsed, ctx), on, {parsed.path: parsed})
    return [(f.code, f.line, f.severity.value) for f in findings]


@pytest.mark.parametrize("fixture", fixtures(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(fixture: Path) -> None:
    code = fixture.parent.name
    want = expected(_dockerfile_of(fixture))
    assert all(c == code for c, _, _ in want), "a fixture lists only its own rule's codes"
    got = [f for f in lint_fixture(fixture) if f[0] == code]
    assert {(c, ln) for c, ln, _ in got} == {(c, ln) for c, ln, _ in want}
    for c, ln, severity in want:
        if severity is not None:
            assert (c, ln, severity) in got
    # A bad fixture expects findings, a good one none.
    assert fixture.name.startswith("bad_" if want else "good_")


#: DC001's check only names unknown instructions; its parse errors are tested in test_parser.
CHECKED = sorted(rule.CODE for rule in RULES if rule.CODE != "DC001")


def test_every_rule_with_a_check_has_three_bad_and_three_good_fixtures() -> None:
    for code in CHECKED:
        folder = RULES_DIR / code
        names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        bad = [n for n in names if n.startswith("bad_")]
        good = [n for n in names if n.startswith("good_")]
        assert len(bad) >= 3 and len(good) >= 3, f"{code}: {len(bad)} bad, {len(good)} good"


@pytest.mark.parametrize("code", CHECKED)
def test_every_rule_has_a_multi_stage_a_pragma_and_a_variable_fixture(code: str) -> None:
    texts = [_dockerfile_of(p).read_text(encoding="utf-8") for p in fixtures()
             if p.parent.name == code]
    assert any(len(re.findall(r"(?im)^\s*FROM\s", t)) > 1 for t in texts), "multi-stage"
    assert any(re.search(rf"(?im)^#\s*hadolint\s+(global\s+)?ignore=.*{code}", t)
               for t in texts), "pragma"
    assert any(re.search(r"\$\{?[A-Za-z_]", t) for t in texts), "ARG/ENV substitution"
