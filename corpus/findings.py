#!/usr/bin/env python3
"""Run every DC rule over the corpus (``.corpus/index.jsonl``, made by ``corpus/build.py``).

    python3 corpus/findings.py [--out .corpus/findings.jsonl]

Each file is parsed and linted in process with its build context, every rule on (also the
opt-in ones, so they can be judged), pragmas applied as a user's run would; hadolint is not
run (its findings are not judged here). Writes one JSON object per DC finding: ``key``
(``repo:path:code:line``, what judgements are matched by), id, repo, path, commit, category,
code, line, end_line, severity, message. Files that cannot be parsed are listed on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lint import context as context_io  # noqa: E402
from lint import engine  # noqa: E402
from lint.config import Config  # noqa: E402
from lint.dockerfile import Dockerfile  # noqa: E402
from lint.rules import RULES  # noqa: E402

#: Every rule on, the opt-in ones too (judged like the others).
EVERY_RULE = Config(enabled=frozenset(r.CODE for r in RULES))


def key(entry: dict[str, Any], code: str, line: int) -> str:
    return f"{entry['id']}:{code}:{line}"


def lint_entry(entry: dict[str, Any]) -> list[dict[str, Any]]:
    disk = Path(entry["dockerfile"])
    parsed = engine.parse_or_finding(entry["path"], disk.read_bytes())
    if not isinstance(parsed, Dockerfile):
        print(f"unparsable: {entry['id']}: {parsed.message}", file=sys.stderr)
        found = [parsed]
    else:
        ctx = context_io.load(disk, Path(entry["context"]))
        found = engine.apply_config(engine.analyze(parsed, ctx), EVERY_RULE,
                                    {parsed.path: parsed})
    return [{"key": key(entry, f.code, f.line), "id": entry["id"], "repo": entry["repo"],
             "path": entry["path"], "commit": entry["commit"], "category": entry["category"],
             "code": f.code, "line": f.line, "end_line": f.end_line,
             "severity": f.severity.value, "message": f.message} for f in found]


def lint_corpus(index: Path) -> list[dict[str, Any]]:
    entries = [json.loads(line) for line in index.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    return [f for entry in entries for f in lint_entry(entry)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index", type=Path, default=ROOT / ".corpus" / "index.jsonl")
    ap.add_argument("--out", type=Path, default=ROOT / ".corpus" / "findings.jsonl")
    args = ap.parse_args()
    if not args.index.exists():
        print(f"{args.index} is missing: run python3 corpus/build.py first", file=sys.stderr)
        return 2
    findings = lint_corpus(args.index)
    args.out.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in findings),
                        encoding="utf-8")
    by_code: dict[str, int] = {}
    for f in findings:
        by_code[f["code"]] = by_code.get(f["code"], 0) + 1
    print(f"{len(findings)} DC findings: "
          + ", ".join(f"{c}={n}" for c, n in sorted(by_code.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
