"""Secret values are redacted once, where findings are made: our rules' findings when the
engine stamps them (the rule's own words kept), hadolint's when its JSON is read. The sinks
then show the same text everywhere; the token is the emitter's job (tests/test_emit.py)."""

from __future__ import annotations

from lint import engine, hadolint
from lint.dockerfile import parse
from lint.rules import Hit, RuleContext
from lint.rules import rule as rule_of

TOKEN = "ghp_Zq8wN3vB7xK2mL5pR9tY4uI1oA6sD0fG3hJ8"


def test_stamp_redacts_what_the_rule_quotes_and_keeps_its_words() -> None:
    rule = rule_of("DC102")
    hit = Hit(2, args={"what": "ENV GITHUB_TOKEN", "kind": "a GitHub token (ghp_…)",
                       "value": f"GITHUB_TOKEN={TOKEN}"})
    finding = engine.stamp(rule, hit, "Dockerfile")
    assert TOKEN not in finding.message
    found = engine.analyze(parse("Dockerfile", f"FROM alpine:3.20\nENV GITHUB_TOKEN={TOKEN}\n"),
                           RuleContext(), [rule])
    assert [f.message for f in found] == [
        "ENV GITHUB_TOKEN puts a GitHub token (ghp_…) into the image, where anyone who can pull "
        "it can read it: pass it with RUN --mount=type=secret and rotate it"]


def test_a_quoted_assignment_is_redacted_in_a_stamped_message() -> None:
    rule = rule_of("DC001")
    finding = engine.stamp(rule, Hit(1, args={"reason": f"bad line: API_TOKEN={TOKEN}"}), "D")
    assert finding.message == "bad line: API_TOKEN=***"


def test_hadolint_findings_are_redacted_when_read() -> None:
    # ShellCheck and hadolint quote the code they report on (SC2154 names a variable, DL3003
    # and others quote commands); a quoted value must not survive into the finding.
    items: list[dict[str, object]] = [
        {"file": "/tmp/x/Dockerfile", "line": 2, "column": 1, "level": "warning",
         "code": "SC2016", "message": f"Expressions don't expand: 'curl -H \"token {TOKEN}\"'"},
        {"file": "/tmp/x/Dockerfile", "line": 3, "column": 1, "level": "info",
         "code": "DL3059", "message": "Multiple consecutive `RUN` instructions."},
    ]
    found = hadolint._to_findings(items, [hadolint.Job("Dockerfile", "/tmp/x/Dockerfile")])
    assert [(f.code, f.message) for f in found] == [
        ("SC2016", "Expressions don't expand: 'curl -H \"token ***\"'"),
        ("DL3059", "Multiple consecutive `RUN` instructions."),
    ]
