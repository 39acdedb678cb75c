#!/usr/bin/env python3
"""A judging aid: for replayed commits, pair each NEW finding with the FIXED finding of the same
file and code whose instruction looks most alike, and show both instructions (head and base)
and the messages when they differ. A pair is a candidate for ``already-there``/``not-fixed``;
an unpaired NEW finding a candidate for ``truly-new``. It only proposes: read the diff
(``git --git-dir=<mirror> show <commit> -- <path>``) before writing a judgement.

    python3 replay/pairs.py [--unjudged] [REPO[@COMMIT] ...]

``--unjudged`` shows only commits with findings that ``replay/judgements.jsonl`` lacks.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from lint.dockerfile import Dockerfile, Instruction, parse  # noqa: E402

WS = re.compile(r"\s+")
_blobs: dict[tuple[str, str, str], str | None] = {}


def mirror(repo: str) -> Path:
    root = Path(os.environ.get("REPLAY_MIRRORS") or "/work/.mirror")
    return root / repo.replace("/", "+") / "repo"


def blob(repo: str, rev: str, path: str) -> str | None:
    if (repo, rev, path) not in _blobs:
        proc = subprocess.run(["git", f"--git-dir={mirror(repo)}", "show", f"{rev}:{path}"],
                              capture_output=True, check=False)
        _blobs[(repo, rev, path)] = (proc.stdout.decode("utf-8", "replace")
                                     if proc.returncode == 0 else None)
    return _blobs[(repo, rev, path)]


def instruction(repo: str, rev: str, path: str, line: int
                ) -> tuple[Dockerfile | None, Instruction | None]:
    text = blob(repo, rev, path)
    if text is None:
        return None, None
    try:
        df = parse(path, text)
    except Exception:
        return None, None
    return df, df.instruction_at(line)


def norm(ins: Instruction | None) -> str:
    return WS.sub(" ", ins.original).strip() if ins else ""


def previous(report: dict[str, Any], path: str) -> str:
    for entry in report.get("files", []):
        if entry["path"] == path and entry.get("previous"):
            return str(entry["previous"])
    return path


def show(commit: dict[str, Any], findings: list[dict[str, Any]], report: dict[str, Any]) -> None:
    repo, head, base = commit["repo"], commit["commit"], commit["parent"]
    new = [f for f in findings if f["status"] == "new"]
    fixed = [f for f in findings if f["status"] == "fixed"]
    print(f"=== {repo}@{head[:10]} {commit['kind']}: new {len(new)}, fixed {len(fixed)}")
    scored = []
    for a, n in enumerate(new):
        for b, f in enumerate(fixed):
            if (n["path"], n["code"]) != (f["path"], f["code"]):
                continue
            _, hi = instruction(repo, head, n["path"], n["line"])
            _, bi = instruction(repo, base, previous(report, f["path"]), f["line"])
            score = difflib.SequenceMatcher(None, norm(hi), norm(bi)).ratio()
            score += 0.5 * (n["message"] == f["message"]) - 0.002 * abs(n["line"] - f["line"])
            scored.append((score, a, b))
    pairs: dict[int, int] = {}
    for _, a, b in sorted(scored, reverse=True):
        if a not in pairs and b not in pairs.values():
            pairs[a] = b
    for a, n in enumerate(new):
        _, hi = instruction(repo, head, n["path"], n["line"])
        if a in pairs:
            f = fixed[pairs[a]]
            _, bi = instruction(repo, base, previous(report, f["path"]), f["line"])
            print(f"  NEW {n['path']}:{n['line']} {n['code']}  ~  FIXED base line {f['line']}")
            print(f"      head: {norm(hi)[:120]}\n      base: {norm(bi)[:120]}")
            if n["message"] != f["message"]:
                print(f"      head msg: {n['message'][:140]}\n      base msg: {f['message'][:140]}")
        else:
            print(f"  NEW {n['path']}:{n['line']} {n['code']}  unpaired: {n['message'][:100]}")
            print(f"      head: {norm(hi)[:120]}")
    for b, f in enumerate(fixed):
        if b not in pairs.values():
            _, bi = instruction(repo, base, previous(report, f["path"]), f["line"])
            print(f"  FIXED {f['path']}:{f['line']} {f['code']}  unpaired: {f['message'][:100]}")
            print(f"      base: {norm(bi)[:120]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("only", nargs="*", metavar="REPO[@COMMIT]")
    parser.add_argument("--unjudged", action="store_true")
    parser.add_argument("--results", type=Path, default=HERE.parent / ".replay" / "results.jsonl")
    args = parser.parse_args()
    lines = [json.loads(x) for x in args.results.read_text().splitlines() if x.strip()]
    judged = set()
    judgements = HERE / "judgements.jsonl"
    if judgements.is_file():
        for x in judgements.read_text().splitlines():
            if x.strip():
                j = json.loads(x)
                judged.add((j["repo"], j["commit"], j["path"], j["code"], j["line"], j["status"]))
    for commit in (x for x in lines if x.get("type") == "commit"):
        if args.only and not any(
                commit["repo"].lower() == spec.partition("@")[0].lower()
                and commit["commit"].startswith(spec.partition("@")[2]) for spec in args.only):
            continue
        findings = [x for x in lines if x.get("type") == "finding"
                    and (x["repo"], x["commit"]) == (commit["repo"], commit["commit"])]
        if args.unjudged and all((f["repo"], f["commit"], f["path"], f["code"], f["line"],
                                  f["status"]) in judged for f in findings):
            continue
        slug = f"{commit['repo'].replace('/', '+')}@{commit['commit'][:12]}"
        report_path = args.results.parent / "runs" / slug / "report.json"
        report = json.loads(report_path.read_text()) if report_path.is_file() else {}
        show(commit, findings, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
