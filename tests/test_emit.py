"""The one writer: every text the action emits (log, workflow commands, files, summary,
outputs) leaves without the token, whichever variable brought it. The token here matches no
known token format, so only the literal scrub can catch it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lint.github.emit import Emitter, tokens

TOKEN = "plain-opaque-value-7c1d9e"  # no ghp_/ghs_ shape: format-based masking cannot see it
ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("variable", ["INPUT_GITHUB-TOKEN", "INPUT_GITHUB_TOKEN", "GITHUB_TOKEN",
                                      "INPUT_REGISTRY-PASSWORD", "INPUT_REGISTRY_PASSWORD"])
def test_every_output_is_scrubbed(variable: str, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = Emitter(tokens({variable: TOKEN})).into(tmp_path, tmp_path / "summary",
                                                    tmp_path / "outputs")
    out.line(f"note: {TOKEN}")
    out.command("warning", f"could not post: Bad credentials {TOKEN}")
    out.file("report.json", f'{{"notes": ["{TOKEN}"]}}')
    out.summary(f"> {TOKEN}")
    out.outputs({"comment-url": f"https://x/{TOKEN}"})
    written = capsys.readouterr().out + "".join(
        p.read_text() for p in tmp_path.iterdir())
    assert TOKEN not in written
    assert written.count("***") == 5


def test_the_longest_token_is_replaced_first() -> None:
    out = Emitter(tokens({"GITHUB_TOKEN": "abc", "INPUT_GITHUB_TOKEN": "abcdef"}))
    assert out.scrub("x abcdef y abc") == "x *** y ***"


def test_a_crash_message_never_holds_the_token_from_any_variable(tmp_path: Path) -> None:
    # GITHUB_WORKSPACE names a file, so the run fails inside; the crash path must scrub the
    # GITHUB_TOKEN fallback too, not only the input.
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(tmp_path / "missing.json"), "PATH": "/usr/bin:/bin",
           "GITHUB_WORKSPACE": str(tmp_path / TOKEN), "INPUT_SIZE": "false"}
    code = ("import entrypoint, sys\n"
            "def boom(*a, **k): raise RuntimeError('request failed with " + TOKEN + "')\n"
            "entrypoint.run = boom\nsys.exit(entrypoint.main())\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2
    assert "request failed with ***" in proc.stdout
    assert TOKEN not in proc.stdout + proc.stderr
