#!/usr/bin/env python3
"""Behaviour snapshot for refactoring: what the CLI and the action make of the bundled inputs.

    python3 scripts/snapshot.py OUT_DIR          # then compare two snapshots with diff -r

Writes, for the examples, the rule fixtures, the seeds and the golden inputs: the CLI's JSON
findings (fingerprints included) and its SARIF with the tool version blanked; and for each seed
replayed as a pull request (before -> after) through ``entrypoint.py`` without a token or a
size step: the comment file, the job summary and the report JSON. A behaviour-preserving
change leaves the snapshot byte for byte the same.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETS = {
    "examples": ROOT / "examples",
    "rules": ROOT / "tests" / "rules",
    "seeds": ROOT / "tests" / "seeds",
    "golden": ROOT / "tests" / "golden" / "input",
}
GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "GIT_AUTHOR_DATE": "2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00Z",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": "/nonexistent"}


def cli(out: Path) -> None:
    for name, folder in SETS.items():
        for fmt in ("json", "sarif"):
            proc = subprocess.run(
                [sys.executable, "-m", "lint", "--format", fmt, "--root", str(folder),
                 "--no-fail", str(folder)],
                cwd=ROOT, capture_output=True, text=True, check=False)
            text = proc.stdout
            if fmt == "sarif":
                data = json.loads(text)
                for run in data.get("runs", []):
                    run.get("tool", {}).get("driver", {}).pop("version", None)
                    run.get("tool", {}).get("driver", {}).pop("semanticVersion", None)
                text = json.dumps(data, indent=1, sort_keys=True)
            (out / f"cli-{name}.{fmt}").write_text(
                f"exit {proc.returncode}\n{proc.stderr}\n{text}", encoding="utf-8")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}).stdout.strip()


def action(out: Path) -> None:
    for seed in sorted(SETS["seeds"].iterdir()):
        with tempfile.TemporaryDirectory() as tmp:
            ws = Path(tmp) / "ws"
            shutil.copytree(seed / "before", ws)
            git(ws, "init", "-q", "-b", "main")
            git(ws, "add", "-A")
            git(ws, "commit", "-q", "-m", "base")
            base = git(ws, "rev-parse", "HEAD")
            for p in ws.iterdir():
                if p.name != ".git":
                    shutil.rmtree(p) if p.is_dir() else p.unlink()
            shutil.copytree(seed / "after", ws, dirs_exist_ok=True)
            git(ws, "add", "-A")
            git(ws, "commit", "-q", "-m", "head")
            head = git(ws, "rev-parse", "HEAD")
            event = Path(tmp) / "event.json"
            event.write_text(json.dumps({
                "action": "synchronize", "number": 1,
                "pull_request": {"number": 1, "base": {"sha": base}, "head": {"sha": head}},
                "repository": {"full_name": "o/r"}}))
            summary = Path(tmp) / "summary.md"
            outputs = Path(tmp) / "outputs"
            env = {k: v for k, v in os.environ.items()
                   if not k.startswith(("INPUT_", "GITHUB_"))}
            env.update(GITHUB_WORKSPACE=str(ws), GITHUB_EVENT_NAME="pull_request",
                       GITHUB_EVENT_PATH=str(event), GITHUB_SHA=head, GITHUB_REPOSITORY="o/r",
                       GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(outputs),
                       GITHUB_SERVER_URL="https://github.invalid", INPUT_SIZE="false",
                       INPUT_ANNOTATIONS="true")
            proc = subprocess.run([sys.executable, str(ROOT / "entrypoint.py")], cwd=ws, env=env,
                                  capture_output=True, text=True, check=False)
            parts = [f"exit {proc.returncode}", proc.stdout, proc.stderr]
            for name in ("dockerfile-review-comment.md", "dockerfile-review-report.json",
                         "dockerfile-review.sarif"):
                path = ws / name
                parts += [f"--- {name}", path.read_text() if path.exists() else "(none)"]
            parts += ["--- summary", summary.read_text() if summary.exists() else "(none)"]
            text = "\n".join(parts).replace(base, "BASE").replace(head, "HEAD")
            text = text.replace(str(ws), "WS")
            (out / f"action-{seed.name}.txt").write_text(text, encoding="utf-8")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    cli(out)
    action(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
