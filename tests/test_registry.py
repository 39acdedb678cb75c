"""The rule registry: every rule module is listed once, codes are unique and well formed, and
the engine-stamped codes are kept apart from the rules whose ``check`` runs."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from types import ModuleType
from typing import cast

from lint import engine
from lint.rules import BY_CODE, RULES, STAMPED

RULES_DIR = Path(engine.__file__).parent / "rules"


def _name(module: object) -> str:
    return cast(ModuleType, module).__name__


def test_every_rule_module_is_listed_exactly_once() -> None:
    modules = sorted(p.stem for p in RULES_DIR.glob("dc*.py"))
    listed = sorted(_name(m).rsplit(".", 1)[1] for m in (*RULES, *STAMPED))
    assert listed == modules


def test_codes_are_unique_and_named_after_their_module() -> None:
    codes = [m.CODE for m in (*RULES, *STAMPED)]
    assert len(codes) == len(set(codes)) == len(BY_CODE)
    for module in (*RULES, *STAMPED):
        # hadolint's pragma grammar accepts only these letters: any other voids the pragma.
        assert re.fullmatch(r"DC\d{3}", module.CODE)
        assert _name(module).rsplit(".", 1)[1].startswith(module.CODE.lower() + "_")


def test_only_rules_whose_check_runs_are_in_rules() -> None:
    assert all(callable(getattr(rule, "check", None)) for rule in RULES)
    assert not any(hasattr(code, "check") for code in STAMPED)


def test_supersedes_names_other_tools_codes() -> None:
    for rule in RULES:
        for code in getattr(rule, "SUPERSEDES", ()):
            assert re.fullmatch(r"(DL|SC)\d{4}", code), (rule.CODE, code)


def test_stamped_codes_are_made_by_the_engine() -> None:
    for code in STAMPED:
        module = importlib.import_module(_name(code))
        assert module.MESSAGE
    finding = engine.stamped("DC002", "Dockerfile", 1, size=2_000_000, limit=1_000_000)
    assert (finding.code, finding.line, finding.message) == (
        "DC002", 1, "File is 2,000,000 bytes, over the 1,000,000-byte cap: hadolint was not run "
        "on it")
