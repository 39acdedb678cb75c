#!/usr/bin/env python3
"""Score a replay (``.replay/results.jsonl``) against the judgements (``replay/judgements.jsonl``).

For every replayed commit and in total: findings reported NEW, of those judged ``truly-new``,
misreported (judged ``already-there``), not judged yet; judged truly-new findings no longer
reported as new (listed); and the same for FIXED (``truly-fixed`` / ``not-fixed``). The gate:
misreported NEW as a share of reported NEW must stay at or under 2 %, and no judged truly-new
finding may go missing; otherwise the exit code is 1.

A judgement is matched to a result by (repo, commit, path, code, line) and status; when several
findings share that key, the judgement's ``message`` (if given) decides, then file order. A
judgement whose finding is no longer reported simply does not count as reported. Commits that
were not replayed (``run.py --only``) are left out.

    python3 replay/compare.py [--results FILE] [--judgements FILE] [--quiet] [--gate PCT]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GATE_PCT = 2.0
NEW_OK, NEW_BAD = "truly-new", "already-there"
COLUMNS = ("new", "true_new", "misreported", "unjudged_new", "missing", "fixed", "true_fixed",
           "not_fixed")
FIXED_OK, FIXED_BAD = "truly-fixed", "not-fixed"


def load(path: Path) -> list[dict[str, Any]]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                out.append(json.loads(line))
            except ValueError as exc:
                raise SystemExit(f"{path}:{number}: {exc}") from None
    return out


def key(item: dict[str, Any]) -> tuple[str, str, str, str, int, str]:
    return (item["repo"], item["commit"], item["path"], item["code"], int(item["line"]),
            item["status"])


def pair(results: list[dict[str, Any]], judgements: list[dict[str, Any]]
         ) -> tuple[dict[int, dict[str, Any]], list[dict[str, Any]]]:
    """Result index -> its judgement; and the judgements no result took."""
    by_key: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for i, r in enumerate(results):
        by_key[key(r)].append(i)
    taken: dict[int, dict[str, Any]] = {}
    unused: list[dict[str, Any]] = []
    pending: list[dict[str, Any]] = []
    # First the judgements whose message picks one result, then the rest in order.
    for j in judgements:
        candidates = [i for i in by_key.get(key(j), []) if i not in taken]
        exact = [i for i in candidates
                 if j.get("message") and results[i]["message"] == j["message"]]
        if exact:
            taken[exact[0]] = j
        else:
            pending.append(j)
    for j in pending:
        candidates = [i for i in by_key.get(key(j), []) if i not in taken]
        if candidates:
            taken[candidates[0]] = j
        else:
            unused.append(j)
    return taken, unused


def head_findings(runs: Path) -> set[tuple[str, str, str, str, int]]:
    """(repo, commit, path, code, line) of every finding each replayed head has (new or
    existing), from the runs' report.json."""
    out: set[tuple[str, str, str, str, int]] = set()
    for report in runs.glob("*/report.json"):
        event = json.loads((report.parent / "event.json").read_text(encoding="utf-8"))
        repo = event["repository"]["full_name"]
        commit = event["pull_request"]["head"]["sha"]
        data = json.loads(report.read_text(encoding="utf-8"))
        for item in data.get("files", []):
            for f in [*item.get("new", []), *item.get("existing", [])]:
                out.add((repo, commit, f["path"], f["code"], int(f["line"])))
    return out


def pct(part: int, whole: int) -> float:
    return 100.0 * part / whole if whole else 0.0


def table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                  for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in rows)


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=HERE.parent / ".replay" / "results.jsonl")
    parser.add_argument("--judgements", type=Path, default=HERE / "judgements.jsonl")
    parser.add_argument("--runs", type=Path, default=HERE.parent / ".replay" / "runs")
    parser.add_argument("--gate", type=float, default=GATE_PCT,
                        help="largest allowed misreported share of reported NEW, in %% (2)")
    parser.add_argument("--quiet", action="store_true", help="totals only, no per-commit rows")
    args = parser.parse_args(list(argv) if argv is not None else None)

    if not args.results.is_file():
        print(f"no results at {args.results}: run python3 replay/run.py first", file=sys.stderr)
        return 2
    lines = load(args.results)
    commits = [x for x in lines if x.get("type") == "commit"]
    results = [x for x in lines if x.get("type", "finding") == "finding" and "status" in x]
    replayed = {(c["repo"], c["commit"]) for c in commits}
    judgements = [j for j in load(args.judgements) if (j["repo"], j["commit"]) in replayed]
    taken, unused = pair(results, judgements)

    per: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    causes: Counter[str] = Counter()
    primary: Counter[str] = Counter()
    fixed_causes: Counter[str] = Counter()
    unjudged: list[dict[str, Any]] = []
    for i, r in enumerate(results):
        tally = per[(r["repo"], r["commit"])]
        j = taken.get(i)
        verdict = j["verdict"] if j else None
        if r["status"] == "new":
            tally["new"] += 1
            if verdict == NEW_OK:
                tally["true_new"] += 1
            elif j is not None and verdict == NEW_BAD:
                tally["misreported"] += 1
                listed = j.get("cause") or ["(no cause given)"]
                for cause in listed:
                    causes[cause] += 1
                primary[listed[0]] += 1
            else:
                tally["unjudged_new"] += 1
                unjudged.append(r)
        elif r["status"] == "fixed":
            tally["fixed"] += 1
            if verdict == FIXED_OK:
                tally["true_fixed"] += 1
            elif j is not None and verdict == FIXED_BAD:
                tally["not_fixed"] += 1
                fixed_causes[(j.get("cause") or ["(no cause given)"])[0]] += 1
            else:
                tally["unjudged_fixed"] += 1
                unjudged.append(r)
    missing_all = [j for j in unused if j["status"] == "new" and j["verdict"] == NEW_OK]
    # A judged truly-new finding the head no longer has at all (a rule now stays quiet there,
    # e.g. on a builder image that ships nothing) is a rule change, not a matching error:
    # listed apart, not failing the gate. Reported as existing instead of new is a miss.
    present = head_findings(args.runs)
    missing = [j for j in missing_all if (j["repo"], j["commit"], j["path"], j["code"],
                                          int(j["line"])) in present]
    gone = [j for j in missing_all if j not in missing]
    for j in missing:
        per[(j["repo"], j["commit"])]["missing"] += 1

    head = ("commit", "kind", "new", "true", "misrep", "unjudg", "missing", "fixed", "t-fixed",
            "not-fixed", "exit")
    rows: list[tuple[str, ...]] = [head]
    total: Counter[str] = Counter()
    for commit in commits:
        counts = per[(commit["repo"], commit["commit"])]
        total.update(counts)
        rows.append((f"{commit['repo']}@{commit['commit'][:10]}", str(commit.get("kind", "")),
                     *(str(counts[name]) for name in COLUMNS), str(commit.get("exit", ""))))
    rows.append((f"total ({len(commits)} commits)", "", *(str(total[name]) for name in COLUMNS),
                 str(sum(1 for commit in commits if commit.get("exit") == 1)) + "x1"))
    if args.quiet:
        rows = [rows[0], rows[-1]]
    print(table(rows))

    if causes:
        print("\nmisreported NEW by cause (a finding counts under each of its causes; "
              "first-listed cause in brackets):")
        for cause, count in causes.most_common():
            print(f"  {count:>4} [{primary[cause]:>4}]  {cause}")
    if fixed_causes:
        print("\nmisreported FIXED (not-fixed) by first-listed cause:")
        for cause, count in fixed_causes.most_common():
            print(f"  {count:>4}  {cause}")
    if unjudged:
        print(f"\n{len(unjudged)} reported finding(s) have no judgement (judge them in "
              f"{args.judgements.name}):")
        for r in unjudged[:40]:
            print(f"  {r['status']:<5} {r['repo']}@{r['commit'][:10]} {r['path']}:{r['line']} "
                  f"{r['code']} {r['message'][:90]}")
        if len(unjudged) > 40:
            print(f"  ... and {len(unjudged) - 40} more")
    if missing:
        print(f"\n{len(missing)} judged truly-new finding(s) are no longer reported as new:")
        for j in missing:
            print(f"  {j['repo']}@{j['commit'][:10]} {j['path']}:{j['line']} {j['code']}: "
                  f"{j['why']}")

    if gone:
        print(f"\n{len(gone)} judged truly-new finding(s) are no longer found at all (the rule "
              "no longer fires there; not a matching error):")
        for j in gone:
            print(f"  {j['repo']}@{j['commit'][:10]} {j['path']}:{j['line']} {j['code']}")

    share = pct(total["misreported"], total["new"])
    print(f"\nreported new {total['new']}, judged truly new {total['true_new']}, misreported "
          f"{total['misreported']} ({share:.1f}% of reported new; gate {args.gate:g}%), "
          f"truly-new missing {len(missing)}; reported fixed {total['fixed']}, truly fixed "
          f"{total['true_fixed']}, not fixed {total['not_fixed']} "
          f"({pct(total['not_fixed'], total['fixed']):.1f}%)")
    failed = share > args.gate or bool(missing)
    print("gate: " + ("FAIL" if failed else "pass"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
