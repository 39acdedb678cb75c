"""The sticky comment: golden files (``tests/golden/comment/``), neutralising, redaction, and
the 65,536-character cut. Regenerate goldens with ``UPDATE_GOLDEN=1``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lint.diff import FileLines
from lint.finding import Finding, Severity
from lint.review import Review, review
from lint.sinks import comment
from lint.sinks.neutralize import inline, marker_key, redact

GOLDEN = Path(__file__).parent / "golden" / "comment"
SHA = "0123456789abcdef0123456789abcdef01234567"
BASE_SHA = "fedcba9876543210fedcba9876543210fedcba98"
CTX = comment.Context("https://github.com", "octo-org/octo-repo", SHA,
                      "https://github.com/octo-org/octo-repo/actions/runs/42", BASE_SHA,
                      Severity.WARNING)
KEY = "octo-org/octo-repo/.github/workflows/ci.yml:lint"
SIZE = """### Image sizes

| Image | Base | Head | Δ |
| --- | ---: | ---: | ---: |
| app | 120.0 MiB | 121.5 MiB | 🔺 +1.5 MiB |
"""


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def f(path: str, line: int, code: str, severity: Severity, message: str, fp: str,
      end: int = 0) -> Finding:
    return Finding(path, line, code, severity, message, "hadolint" if code[:2] in ("DL", "SC")
                   else "dockerfile-review", end_line=end, fingerprint=fp)


def pr_review() -> Review:
    app = "app/Dockerfile"
    weird = "we|ird](x)/a%b,c:d.Dockerfile"
    head = [
        f(app, 1, "DC101", Severity.WARNING, "The shipped stage never sets USER", "h1"),
        f(app, 4, "DL3003", Severity.WARNING, "Use WORKDIR to switch to a directory", "h2"),
        f(app, 6, "DC102", Severity.ERROR,
          # As the engine makes it: the value quoted from the Dockerfile already redacted.
          "Secret in ENV: API_TOKEN=*** ping @octocat, fixes #12 <img src=x>", "h3",
          end=7),
        f(app, 9, "DL3008", Severity.WARNING, "Pin versions in apt get install", "h4"),
        f(weird, 2, "SC2086", Severity.INFO, "Double quote to prevent globbing", "w1"),
        f("other/Dockerfile", 3, "DL3059", Severity.INFO, "Multiple consecutive RUN", "o1"),
    ]
    base = {app: [head[3], f(app, 5, "DL3015", Severity.INFO,
                             "Avoid additional packages by specifying `--no-install-recommends`",
                             "b1")]}
    return review(head, {}, affected={app: "changed", weird: "dockerignore"}, base=base,
                  lines={app: FileLines(added=((4, 7),))}, previous={app: "old/Dockerfile"},
                  removed={"legacy/Dockerfile": [f("legacy/Dockerfile", 2, "DL3020",
                                                   Severity.ERROR, "Use COPY instead of ADD",
                                                   "l1")]})


def test_golden_new_and_fixed() -> None:
    check_golden("new_and_fixed.md", comment.render(pr_review(), CTX, KEY, SIZE))


def test_golden_everything_fixed() -> None:
    app = "app/Dockerfile"
    gone = f(app, 4, "DL3003", Severity.WARNING, "Use WORKDIR to switch to a directory", "x")
    result = review([], {}, affected={app: "changed"}, base={app: [gone]}, lines={})
    text = comment.render(result, CTX, KEY)
    assert "everything fixed" in text
    check_golden("everything_fixed.md", text)


def test_golden_no_new_findings_some_existing() -> None:
    existing = f("Dockerfile", 2, "DL3008", Severity.WARNING, "Pin versions", "e")
    result = review([existing], {}, affected={"Dockerfile": "changed"},
                    base={"Dockerfile": [existing]}, lines={})
    check_golden("no_new.md", comment.render(result, CTX, KEY))


def test_golden_no_base() -> None:
    result = review([f("Dockerfile", 2, "DL3008", Severity.WARNING, "Pin versions", "e")], {},
                    affected=None, base={}, lines={}, notes=["no base to compare with"])
    check_golden("no_base.md", comment.render(result, CTX, KEY))


def test_golden_cut_to_a_small_limit() -> None:
    text = comment.render(many(40), CTX, KEY, SIZE, limit=2500)
    assert len(text) <= 2500
    check_golden("cut.md", text)


def many(n: int, message: str = "Use WORKDIR to switch to a directory") -> Review:
    head = [f("app/Dockerfile", i + 1, "DL3003", Severity.WARNING, message, f"n{i}")
            for i in range(n)]
    old = [f("app/Dockerfile", 1, "DL3009", Severity.INFO, "old", "old")]
    return review([*head, f("x/Dockerfile", 1, "DL3009", Severity.INFO, "x", "x")], {},
                  affected={"app/Dockerfile": "changed"}, base={"app/Dockerfile": old},
                  lines={}, filter_mode="file")


def test_cut_at_githubs_limit_keeps_marker_verdict_and_pointer() -> None:
    result = many(2000, "m" * 60)
    text = comment.render(result, CTX, KEY, SIZE)
    assert len(text) <= comment.COMMENT_LIMIT
    assert text.startswith(comment.marker(KEY) + "\n❌ **dockerfile-review**: 2000 new findings")
    assert "more findings not shown" in text
    assert "[job summary](https://github.com/octo-org/octo-repo/actions/runs/42)" in text
    items = [line for line in text.splitlines() if line.startswith("- [app/Dockerfile:")]
    assert 200 < len(items) < 2000
    # Every listed item is whole.
    assert all(line.endswith("m" * 60) for line in items)


def test_uncut_comment_has_no_pointer() -> None:
    assert "shortened" not in comment.render(many(3), CTX, KEY)


def test_dockerfile_text_is_neutralised() -> None:
    # Secret values are redacted where findings are made (tests/test_redaction.py).
    text = comment.render(pr_review(), CTX, KEY, SIZE)
    assert "@octocat" not in text and "@&#8203;octocat" in text
    assert "#12" not in text
    assert "<img" not in text
    assert "we\\|ird\\](x)/a%b,c:d.Dockerfile" in text
    # The link target is URL-encoded, so the path cannot break out of it.
    assert "/blob/0123456789abcdef0123456789abcdef01234567/we%7Cird%5D%28x%29/a%25b%2Cc%3Ad" \
           ".Dockerfile#L2-L2" in text


def test_links_point_at_exact_lines() -> None:
    text = comment.render(pr_review(), CTX, KEY)
    assert (f"[app/Dockerfile:L6-L7](https://github.com/octo-org/octo-repo/blob/{SHA}/"
            "app/Dockerfile#L6-L7)") in text
    # Fixed findings link to the base commit, at the old path of a renamed file.
    assert f"blob/{BASE_SHA}/old/Dockerfile#L5-L5" in text


def test_marker_cannot_be_closed_by_the_key() -> None:
    assert comment.marker("a --> <b>") == "<!-- dockerfile-review:a_-___b_ -->"
    assert marker_key("w.yml:job:py3.12") == "w.yml:job:py3.12"


@pytest.mark.parametrize(("raw", "safe"), [
    ("@octocat", "@&#8203;octocat"),
    ("see #123 and GH-4", "see #&#8203;123 and GH&#8203;-4"),
    ("<details>x</details>", "&lt;details&gt;x&lt;/details&gt;"),
    ("[click](https://evil.example)", "\\[click\\](https:&#8203;//evil.example)"),
    ("a|b", "a\\|b"),
    ("`code` *em* _u_ ~s~ $x$", "\\`code\\` \\*em\\* \\_u\\_ \\~s\\~ \\$x\\$"),
    ("line1\nline2\r\n", "line1 line2"),
    ("a & b", "a &amp; b"),
    ("\u202eevil", "evil"),
])
def test_inline(raw: str, safe: str) -> None:
    assert inline(raw) == safe


@pytest.mark.parametrize(("raw", "safe"), [
    ("ENV API_TOKEN=abc123", "ENV API_TOKEN=***"),
    ("ENV DB_PASSWORD hunter2", "ENV DB_PASSWORD ***"),
    ('ARG SECRET_KEY="x y z"', "ARG SECRET_KEY=***"),
    ("--build-arg NPM_TOKEN=npm_abc", "--build-arg NPM_TOKEN=***"),
    ("token ghp_0123456789abcdefghijABCDEFGHIJ", "token ***"),
    ("https://user:pass@registry.example/x", "https://user:***@registry.example/x"),
    ("ENV TOKEN=$GITHUB_TOKEN", "ENV TOKEN=$GITHUB_TOKEN"),
    ("-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----", "***"),
    ("AKIAABCDEFGHIJKLMNOP", "***"),
    ("Pin versions in apt get install", "Pin versions in apt get install"),
])
def test_redact(raw: str, safe: str) -> None:
    assert redact(raw) == safe


INCOMPLETE = {"deep/Dockerfile": "DC003: Variable substitutions nest 17 deep on line 2, deeper "
                                 "than 16: the file was not linted; split or simplify it",
              "we|ird](x).Dockerfile": "hadolint failed on it (exit code, time limit or "
                                       "unreadable output)"}


def test_golden_incomplete_run_says_which_files_and_why() -> None:
    gaps = comment.gaps(INCOMPLETE, ["size step failed: <boom> @octocat"])
    text = comment.render(pr_review(), CTX, KEY, SIZE, gaps=gaps)
    check_golden("incomplete.md", text)
    assert text.index("Incomplete run") < text.index("| Dockerfile |")  # before everything
    # Cut down to the bare minimum, the section stays.
    cut = comment.render(many(400, "x" * 200), CTX, KEY, gaps=gaps, limit=4000)
    assert len(cut) <= 4000
    assert gaps in cut
    assert "the JSON report has every finding" in cut
