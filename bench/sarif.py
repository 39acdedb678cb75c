#!/usr/bin/env python3
"""SARIF through ``sarif-om``'s object model and ``jschema-to-python`` versus our own renderer.

    python3 bench/sarif.py [--results 25000] [--repeat 5] [--out DIR]

Builds the same log both ways from generated findings (every DC code, DL and SC codes, several
files): ours (``lint.sinks.sarif.render`` + ``dumps``), and sarif-om's classes filled from the
same data and serialised with ``jschema_to_python.to_json`` (which drops values equal to their
defaults). Checks that both hold the same results and fingerprints once SARIF's defaults are
applied, prints the render times side by side (median of ``--repeat``), and writes both files to
``--out`` for Microsoft's validator. Needs ``pip install jschema-to-python`` (not a dependency of
the project: see docs/ARCHITECTURE.md for the decision these figures made).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sarif_om as om
from jschema_to_python.to_json import to_json

from lint.finding import Finding, Severity
from lint.rules import BY_CODE
from lint.sinks import sarif

#: sarif-om class for each SARIF property that holds an object (or a list of them).
CLASSES: dict[str, Any] = {
    "runs": om.Run, "tool": om.Tool, "driver": om.ToolComponent, "rules": om.ReportingDescriptor,
    "shortDescription": om.MultiformatMessageString,
    "fullDescription": om.MultiformatMessageString, "help": om.MultiformatMessageString,
    "defaultConfiguration": om.ReportingConfiguration, "results": om.Result,
    "message": om.Message, "locations": om.Location, "physicalLocation": om.PhysicalLocation,
    "artifactLocation": om.ArtifactLocation, "region": om.Region,
    "invocations": om.Invocation, "toolExecutionNotifications": om.Notification,
    "automationDetails": om.RunAutomationDetails,
}
#: Values SARIF 2.1.0 defines as defaults (what jschema-to-python leaves out).
DEFAULTS = {"level": "warning", "kind": "fail", "rank": -1.0, "ruleIndex": -1,
            "enabled": True, "columnKind": "unicodeCodePoints"}


def findings(count: int) -> tuple[list[Finding], dict[str, str]]:
    codes = [*sorted(BY_CODE), "DL3008", "DL3015", "DL4006", "SC2086", "SC2046"]
    severities = list(Severity)
    out = []
    texts = {}
    for i in range(count):
        path = f"services/s{i % 40}/Dockerfile"
        texts[path] = "\n".join(f"RUN step {n} # ünïcode" for n in range(1, 400))
        out.append(Finding(path, 1 + i % 399, codes[i % len(codes)], severities[i % 4],
                           f"message {i} about `thing` #{i}", "dockerfile-review",
                           column=1 + i % 5, fingerprint=f"{i:032x}:1"))
    return out, texts


def build(value: Any, key: str = "") -> Any:
    """A sarif-om object tree from our plain-dict log."""
    if isinstance(value, list):
        return [build(v, key) for v in value]
    if not isinstance(value, dict):
        return value
    if key == "properties":
        bag = om.PropertyBag(tags=value.get("tags"))
        for name, item in value.items():
            if name != "tags":
                setattr(bag, name, item)  # e.g. "security-severity", "precision"
        return bag
    cls = CLASSES.get(key)
    if cls is None:  # maps with free keys: partialFingerprints, message strings
        return value
    fields = _fields(cls)
    return cls(**{fields[k]: build(v, k) for k, v in value.items()})


def _fields(cls: Any) -> dict[str, str]:
    import attr

    return {f.metadata.get("schema_property_name", f.name): f.name for f in attr.fields(cls)}


def om_log(log: dict[str, Any]) -> str:
    obj = om.SarifLog(version=log["version"], schema_uri=log["$schema"],
                      runs=build(log["runs"], "runs"))
    return to_json(obj) + "\n"


def normal(value: Any) -> Any:
    """SARIF's defaults applied: a property equal to its default is the same as absent."""
    if isinstance(value, list):
        return [normal(v) for v in value]
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items() if DEFAULTS.get(k, object()) != v}
    return value


def timed(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", type=int, default=25_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=Path("/tmp/sarif-bench"))
    args = ap.parse_args()
    found, texts = findings(args.results)
    log = sarif.render(found, texts)
    ours_s, ours = timed(lambda: sarif.dumps(sarif.render(found, texts)), args.repeat)
    theirs_s, theirs = timed(lambda: om_log(sarif.render(found, texts)), args.repeat)
    same = normal(json.loads(ours)) == normal(json.loads(theirs))
    results = json.loads(theirs)["runs"][0]["results"]
    prints = [r.get("partialFingerprints") for r in results]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ours.sarif").write_text(ours, encoding="utf-8")
    (args.out / "sarif-om.sarif").write_text(theirs, encoding="utf-8")
    print(f"results: {args.results}, rules: {len(log['runs'][0]['tool']['driver']['rules'])}")
    wanted = [{sarif.FINGERPRINT_KEY: f.fingerprint} for f in sorted(found, key=sarif.order)]
    print(f"same log after SARIF defaults: {same}; fingerprints kept: {prints == wanted}")
    print(f"render + serialise, median of {args.repeat}: ours {ours_s:.2f} s, "
          f"sarif-om + jschema-to-python {theirs_s:.2f} s, ratio {theirs_s / ours_s:.1f}x")
    print(f"size: ours {len(ours):,} B, sarif-om {len(theirs):,} B")
    print(f"files for the validator: {args.out}/ours.sarif {args.out}/sarif-om.sarif")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
