#!/usr/bin/env python3
"""Precision of the DC rules on the judged corpus, and the regression check.

    python3 corpus/precision.py            # lint the corpus, print the table, check
    python3 corpus/precision.py --write    # also regenerate docs/precision.md

Lints every corpus file as ``corpus/lint.py`` does (every rule on, opt-in ones included),
matches each finding to the judgements in ``corpus/judgements/judge-*.jsonl`` by its key
(``repo:path:code:line``) and prints per rule: findings, TP, FP, debatable, unjudged, precision
TP/(TP+FP), the debatable share, and the gate the rule is held to (docs/precision.md says
which). The second judge (``corpus/judgements/second.jsonl``) gives the agreement figure.

Exit 1 when a finding judged FP comes back or a finding judged TP disappears, against
``corpus/baseline.json`` (the keys present at the last ``--write``): ``--write`` is how a
maintainer accepts a change, with the judgements of any new finding added first.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "corpus"))

from lint.rules import RULES  # noqa: E402

JUDGED = ROOT / "corpus" / "judgements"
PAGE = ROOT / "docs" / "precision.md"
MIN_JUDGED = 20
MIN_JUDGED_ERROR = 30


def load(path: Path) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                out[item["key"]] = item
    return out


def judgements() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(JUDGED.glob("judge-*.jsonl")):
        out.update(load(path))
    return out


def gate(code: str, tp: int, fp: int, debatable: int) -> tuple[str, bool | None]:
    """(the gate's words, passed?); ``None``: insufficient data (not a pass)."""
    rule = next(r for r in RULES if r.CODE == code)
    judged = tp + fp + debatable
    error = rule.SEVERITY.value == "error"
    need = MIN_JUDGED_ERROR if error else MIN_JUDGED
    if judged < need:
        return f"insufficient data (<{need} judged)", None
    if error:
        return "0 FP", fp == 0
    precision = tp / (tp + fp) if tp + fp else 0.0
    return ">=95% and <=15% debatable", precision >= 0.95 and debatable <= 0.15 * judged


def table(findings: list[dict[str, Any]], judged: dict[str, dict[str, Any]]
          ) -> list[dict[str, Any]]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for f in findings:
        verdict = judged.get(f["key"], {}).get("verdict", "unjudged")
        counts[f["code"]][verdict] += 1
        counts[f["code"]]["findings"] += 1
    rows = []
    for rule in sorted(RULES, key=lambda r: r.CODE):
        c = counts.get(rule.CODE, Counter())
        tp, fp, db = c["tp"], c["fp"], c["debatable"]
        words, passed = gate(rule.CODE, tp, fp, db)
        rows.append({"code": rule.CODE, "findings": c["findings"], "tp": tp, "fp": fp,
                     "debatable": db, "unjudged": c["unjudged"],
                     "precision": tp / (tp + fp) if tp + fp else None,
                     "debatable_share": db / (tp + fp + db) if tp + fp + db else None,
                     "gate": words, "passed": passed,
                     "default": "on" if getattr(rule, "ENABLED", True) else "opt-in"})
    return rows


def bucket(precision: float) -> str:
    """SARIF's precision words for a measured TP/(TP+FP)."""
    if precision >= 0.95:
        return "very-high"
    if precision >= 0.85:
        return "high"
    return "medium" if precision >= 0.70 else "low"


def precision_words(rows: list[dict[str, Any]]) -> list[str]:
    """Rules whose declared ``PRECISION`` (SARIF ``properties.precision``) is not what the
    corpus measured (only where at least 10 findings were judged TP or FP)."""
    out = []
    for r in rows:
        rule = next(x for x in RULES if x.CODE == r["code"])
        if r["tp"] + r["fp"] >= 10 and rule.PRECISION != bucket(r["precision"]):
            out.append(f"{r['code']}: PRECISION is {rule.PRECISION!r}, measured "
                       f"{r['precision']:.0%} ({bucket(r['precision'])!r})")
    return out


def agreement(judged: dict[str, dict[str, Any]]) -> tuple[int, int, float | None]:
    second = load(JUDGED / "second.jsonl")
    both = [k for k in second if k in judged]
    same = sum(1 for k in both if second[k]["verdict"] == judged[k]["verdict"])
    if not both:
        return 0, 0, None
    # Cohen's kappa over the three verdicts.
    labels = ("tp", "fp", "debatable")
    n = len(both)
    p_o = same / n
    p_e = sum((sum(1 for k in both if judged[k]["verdict"] == lab) / n)
              * (sum(1 for k in both if second[k]["verdict"] == lab) / n) for lab in labels)
    kappa = (p_o - p_e) / (1 - p_e) if p_e < 1 else None
    return n, same, kappa


BASELINE = ROOT / "corpus" / "baseline.json"


def check(findings: list[dict[str, Any]], judged: dict[str, dict[str, Any]],
          baseline: set[str]) -> list[str]:
    present = {f["key"] for f in findings}
    problems = [f"judged FP is back: {k}" for k in sorted(present - baseline)
                if judged.get(k, {}).get("verdict") == "fp"]
    problems += [f"judged TP lost: {k}" for k in sorted(baseline - present)
                 if judged.get(k, {}).get("verdict") == "tp"]
    return problems


def page(rows: list[dict[str, Any]], agree: tuple[int, int, float | None], files: int,
         repos: int) -> str:
    n, same, kappa = agree
    out = [
        "# Precision of the DC rules",
        "",
        "Generated by `python3 corpus/precision.py --write` from the judged corpus "
        f"(corpus/README.md): {files} real Dockerfiles from {repos} public repositories "
        "(official images, Python/Node/Go/Rust/Java/.NET apps, ML images, toolchains, dev "
        "containers, CI images, Windows), each linted with its build context and every rule "
        "on. Every finding was judged TP, FP or debatable by reviewers who did not write the "
        "rules, from the finding and the file (corpus/judgements/).",
        "",
        "Gate for a rule on by default: precision TP/(TP+FP) >= 95% with debatable findings "
        f"at most 15% of the rule's findings, over at least {MIN_JUDGED} judged findings; for "
        f"a rule whose default severity is `error`, 0 FP over at least {MIN_JUDGED_ERROR}. "
        "Below that count the figure is \"insufficient data\", which is not a pass. A rule "
        "that fails its gate is opt-in: off by default, turned on by naming its code under "
        "an `override` level in `.hadolint.yaml` (or `--error/--warning/--info/--style CODE`, "
        "the `override-*` inputs), as hadolint does for DL3057.",
        "",
        "| Rule | Default | Findings | TP | FP | Debatable | Unjudged | Precision | "
        "Debatable share | Gate | Passed |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        prec = "—" if r["precision"] is None else f"{r['precision']:.0%}"
        share = "—" if r["debatable_share"] is None else f"{r['debatable_share']:.0%}"
        passed = {True: "yes", False: "no", None: "insufficient data"}[r["passed"]]
        out.append(f"| {r['code']} | {r['default']} | {r['findings']} | {r['tp']} | {r['fp']} "
                   f"| {r['debatable']} | {r['unjudged']} | {prec} | {share} | {r['gate']} "
                   f"| {passed} |")
    out += ["", "Two codes are on without judged data: DC001 (a file BuildKit cannot parse; it "
            "never fired on these real files) and DC102 (a credential *value* with a known "
            "token format, or a private key, in ENV/ARG; public repositories rarely hold one, "
            "and none of these files did). DC102 reads values, not names: a token format is "
            "evidence in itself, so it stays on at `error`; a finding that is wrong is a "
            "defect to report. Everything a rule decides from names or heuristics is gated "
            "as above (secret-looking file names are DC105, opt-in)."]
    out += ["", "## Agreement between judges", ""]
    if n:
        out.append(f"A second judge judged {n} findings (a seeded random sample of the first "
                   f"run's findings) without seeing the first judgements: the same verdict on "
                   f"{same} ({same / n:.0%})"
                   + (f", Cohen's kappa {kappa:.2f}." if kappa is not None else "."))
    else:
        out.append("No second judgement yet.")
    out += ["", "## Reproduce", "",
            "```sh",
            "python3 corpus/build.py      # the files, from the mirrors (corpus/README.md)",
            "python3 corpus/precision.py  # this table; exit 1 if a judged FP is back or a "
            "judged TP is lost",
            "```", ""]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", action="store_true", help="regenerate docs/precision.md")
    args = ap.parse_args()
    index = ROOT / ".corpus" / "index.jsonl"
    if not index.exists():
        print("the corpus is not built: python3 corpus/build.py", file=sys.stderr)
        return 2
    from findings import lint_corpus

    findings = lint_corpus(index)
    judged = judgements()
    rows = table(findings, judged)
    for r in rows:
        prec = "  -  " if r["precision"] is None else f"{r['precision']:5.0%}"
        print(f"{r['code']} {r['default']:7} findings {r['findings']:4} tp {r['tp']:4} "
              f"fp {r['fp']:4} deb {r['debatable']:3} unjudged {r['unjudged']:3} "
              f"precision {prec}  {r['gate']}: {r['passed']}")
    agree = agreement(judged)
    print(f"agreement: {agree[1]}/{agree[0]}" + (f", kappa {agree[2]:.2f}" if agree[2] else ""))
    entries = [json.loads(x) for x in index.read_text().splitlines() if x.strip()]
    if args.write:
        PAGE.write_text(page(rows, agree, len(entries), len({e["repo"] for e in entries})),
                        encoding="utf-8")
        print(f"wrote {PAGE}")
    baseline = set(json.loads(BASELINE.read_text())) if BASELINE.exists() else set()
    problems = check(findings, judged, baseline) if baseline else []
    problems += precision_words(rows)
    if args.write:
        BASELINE.write_text(json.dumps(sorted({f["key"] for f in findings}), indent=0) + "\n")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
