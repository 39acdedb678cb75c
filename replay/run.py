#!/usr/bin/env python3
"""Replay real Dockerfile commits as pull requests through the project's ``entrypoint.py``.

Each row of ``replay/manifest.tsv`` (repo, commit, parent, kind, ...) becomes one pull request:
a one-commit-deep checkout of ``commit`` (as actions/checkout leaves it) whose ``origin`` is the
local mirror of the repository, a real ``pull_request`` webhook payload (from
``.tools/node_modules/@octokit/webhooks-examples``) with ``base.sha = parent`` and
``head.sha = commit``, GitHub's environment, and the loopback REST server ``tests/ghserver.py``.
The action fetches the base itself (``git fetch --depth=1 origin <parent>``), as on GitHub.

Written under ``.replay/`` (next to ``replay/``, git-ignored):

* ``results.jsonl``: one line per NEW and per FIXED finding
  ``{"type": "finding", repo, commit, parent, kind, status: new|fixed, path, code, line,
  message, source}`` and one line per commit
  ``{"type": "commit", repo, commit, parent, kind, new, fixed, existing, exit, ...}``.
  Replaying some commits again (``--only``) replaces just their lines.
* ``runs/<owner>+<name>@<commit12>/``: the action's JSON report, comment file, job summary,
  outputs, stdout and stderr, and the event payload.

Mirrors are full git mirrors at ``<mirrors>/<owner>+<name>/repo`` (``--mirrors`` or
``$REPLAY_MIRRORS``, default ``/work/.mirror``); a missing one is reported as the
``fetch github:<owner>/<name>`` it needs, and its commits are skipped.

    python3 replay/run.py                      # every manifest row, 2 at a time
    python3 replay/run.py --only searxng/searxng@3c6c827 --jobs 1
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_PROJECT = HERE.parent
DEFAULT_MIRRORS = "/work/.mirror"
TOKEN = "ghs_REPLAYfakeTOKEN0a1b2c3d4e5f6a7b8c9d0e1f"  # noqa: S105 (a fake, for the loopback)
PR = 42
TIMEOUT = 120.0
REPORT_FILE = "dockerfile-review-report.json"
COMMENT_FILE = "dockerfile-review-comment.md"
GIT_ENV = {"GIT_AUTHOR_NAME": "replay", "GIT_AUTHOR_EMAIL": "replay@example.com",
           "GIT_COMMITTER_NAME": "replay", "GIT_COMMITTER_EMAIL": "replay@example.com",
           "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


@dataclass(frozen=True)
class Row:
    repo: str
    commit: str
    parent: str
    kind: str
    dockerfiles: tuple[str, ...]
    summary: str

    @property
    def slug(self) -> str:
        return f"{self.repo.replace('/', '+')}@{self.commit[:12]}"


@dataclass
class Outcome:
    row: Row
    exit: int | str
    seconds: float
    new: list[dict[str, Any]] = field(default_factory=list)
    fixed: list[dict[str, Any]] = field(default_factory=list)
    existing: int = 0
    notes: list[str] = field(default_factory=list)
    problem: str = ""
    violations: list[str] = field(default_factory=list)
    comment_posted: bool = False

    def ok(self) -> bool:
        return not self.problem


def read_manifest(path: Path) -> list[Row]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    expected = ["repo", "commit", "parent", "kind", "dockerfiles", "summary"]
    if header != expected:
        raise SystemExit(f"{path}: header must be {' '.join(expected)}")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 6:
            raise SystemExit(f"{path}:{number}: expected 6 tab-separated columns")
        repo, commit, parent, kind, dockerfiles, summary = parts
        rows.append(Row(repo, commit, parent, kind,
                        tuple(p for p in dockerfiles.split(",") if p), summary))
    return rows


def select(rows: list[Row], only: list[str]) -> list[Row]:
    if not only:
        return rows
    out = []
    for row in rows:
        for spec in only:
            repo, _, commit = spec.partition("@")
            if repo.lower() == row.repo.lower() and (not commit or row.commit.startswith(commit)):
                out.append(row)
                break
    return out


def mirror_of(mirrors: Path, repo: str) -> Path | None:
    for candidate in (mirrors / repo.replace("/", "+") / "repo", mirrors / repo.replace("/", "+")):
        if (candidate / "objects").is_dir() or (candidate / ".git").is_dir():
            return candidate
    # Case-insensitive match (GitHub names are).
    wanted = repo.replace("/", "+").lower()
    if mirrors.is_dir():
        for entry in mirrors.iterdir():
            if entry.name.lower() == wanted and (entry / "repo" / "objects").is_dir():
                return entry / "repo"
    return None


def git(cwd: Path, env: dict[str, str], *args: str, timeout: float = 300) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.strip()[-400:]}")
    return proc.stdout.strip()


def missing_blobs(mirror: Path, env: dict[str, str], commit: str) -> list[str]:
    """Paths of ``commit`` whose blobs the mirror lacks (snapshots leave out big files)."""
    listing = subprocess.run(["git", f"--git-dir={mirror}", "ls-tree", "-r", "-z", commit],
                             env=env, capture_output=True, check=True).stdout.decode(
                                 "utf-8", "surrogateescape")
    entries = []
    for item in listing.split("\0"):
        if not item:
            continue
        meta, path = item.split("\t", 1)
        _, kind, sha = meta.split()
        if kind == "blob":
            entries.append((sha, path))
    if not entries:
        return []
    check = subprocess.run(["git", f"--git-dir={mirror}", "cat-file", "--batch-check"],
                           input="".join(sha + "\n" for sha, _ in entries), env=env,
                           capture_output=True, text=True, check=True).stdout.splitlines()
    return [path for (_, path), line in zip(entries, check, strict=True)
            if line.endswith(" missing")]


def _sparse_escape(path: str) -> str:
    out = "".join("\\" + ch if ch in "*?[]!#\\ " else ch for ch in path)
    return "/" + out


def checkout(workspace: Path, env: dict[str, str], mirror: Path, commit: str) -> list[str]:
    """Check ``commit`` out one commit deep from the mirror, as actions/checkout does.

    A mirror that lacks some blobs (big files) cannot serve a plain shallow fetch; then the
    checkout is a blobless partial clone with those paths left out of a sparse checkout (the
    action's own base fetch inherits the filter). Returns notes about what was left out."""
    try:
        git(workspace, env, "fetch", "-q", "--depth=1", "--no-tags", "origin", commit)
        git(workspace, env, "checkout", "-q", "--detach", "FETCH_HEAD")
        return []
    except RuntimeError as exc:
        if "unable to read" not in str(exc) and "corruption" not in str(exc):
            raise
    absent = missing_blobs(mirror, env, commit)
    git(workspace, env, "fetch", "-q", "--depth=1", "--no-tags", "--filter=blob:none",
        "origin", commit)
    git(workspace, env, "config", "core.sparseCheckout", "true")
    info = workspace / ".git" / "info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "sparse-checkout").write_text(
        "/*\n" + "".join("!" + _sparse_escape(p) + "\n" for p in absent), encoding="utf-8")
    git(workspace, env, "checkout", "-q", "--detach", "FETCH_HEAD")
    return [f"replay: the mirror lacks {len(absent)} file(s) of this commit; blobless "
            f"checkout without them: {', '.join(absent[:5])}"]


def payload(project: Path, row: Row) -> dict[str, Any]:
    examples_dir = project / ".tools" / "node_modules" / "@octokit" / "webhooks-examples"
    examples = json.loads((examples_dir / "api.github.com" / "index.json").read_text())
    pr_examples = next(e for e in examples if e["name"] == "pull_request")["examples"]
    event: dict[str, Any] = copy.deepcopy(
        next(e for e in pr_examples if e["action"] == "synchronize"))
    owner, name = row.repo.split("/")
    event["number"] = PR
    pr = event["pull_request"]
    pr["number"] = PR
    pr["base"]["sha"] = row.parent
    pr["head"]["sha"] = row.commit
    pr["title"] = row.summary
    for side in (pr["base"], pr["head"]):
        if isinstance(side.get("repo"), dict):
            side["repo"]["full_name"] = row.repo
            side["repo"]["name"] = name
    event["repository"]["full_name"] = row.repo
    event["repository"]["name"] = name
    event["repository"]["owner"]["login"] = owner
    return event


def _load_server(project: Path) -> Any:
    tests = str(project / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    import ghserver  # type: ignore[import-not-found]  # the project's loopback GitHub

    return ghserver


def replay(row: Row, project: Path, mirrors: Path, runs: Path, timeout: float,
           keep: bool, server_lock: threading.Lock) -> Outcome:
    started = time.monotonic()
    mirror = mirror_of(mirrors, row.repo)
    if mirror is None:
        return Outcome(row, "missing", 0.0,
                       problem=f"no mirror at {mirrors}/{row.repo.replace('/', '+')}/repo: "
                               f"fetch github:{row.repo}")
    tmp = Path(tempfile.mkdtemp(prefix=f"replay-{row.slug.replace('@', '-')}-"))
    out_dir = runs / row.slug
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    try:
        home = tmp / "home"
        home.mkdir()
        # A mirror may belong to another user; the file transport must be allowed.
        # (uploadpack.allowFilter: the upload-pack serving file:// reads this HOME too.)
        (home / ".gitconfig").write_text("[safe]\n\tdirectory = *\n[protocol \"file\"]\n"
                                         "\tallow = always\n[advice]\n\tdetachedHead = false\n"
                                         "[uploadpack]\n\tallowFilter = true\n")
        genv = {"PATH": os.environ["PATH"], "HOME": str(home), **GIT_ENV}
        workspace = tmp / "workspace"
        workspace.mkdir()
        # actions/checkout: one commit deep, origin = the repository.
        git(workspace, genv, "init", "-q")
        git(workspace, genv, "remote", "add", "origin", f"file://{mirror}")
        notes = checkout(workspace, genv, mirror, row.commit)
        if git(workspace, genv, "rev-parse", "HEAD") != row.commit:
            raise RuntimeError("checkout is not at the commit")
        event_path = tmp / "event.json"
        event = payload(project, row)
        event_path.write_text(json.dumps(event))
        output = tmp / "github_output"
        summary = tmp / "step_summary"
        output.write_text("")
        summary.write_text("")
        ghserver = _load_server(project)
        with server_lock:  # the description loads once; keep the first load single
            server = ghserver.GitHubServer(repository=row.repo, token=TOKEN)
        server.start()
        try:
            env = {
                "PATH": os.environ["PATH"], "HOME": str(home), "LANG": "C.UTF-8",
                "GIT_CONFIG_NOSYSTEM": "1",
                "GITHUB_ACTIONS": "true", "CI": "true",
                "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event_path),
                "GITHUB_WORKSPACE": str(workspace), "GITHUB_REPOSITORY": row.repo,
                "GITHUB_API_URL": server.url, "GITHUB_SERVER_URL": "https://github.com",
                "GITHUB_SHA": row.commit, "GITHUB_RUN_ID": "4242",
                "GITHUB_WORKFLOW_REF":
                    f"{row.repo}/.github/workflows/review.yml@refs/pull/{PR}/merge",
                "GITHUB_JOB": "dockerfiles", "GITHUB_OUTPUT": str(output),
                "GITHUB_STEP_SUMMARY": str(summary),
                "INPUT_GITHUB_TOKEN": TOKEN, "INPUT_GITHUB-TOKEN": TOKEN,
                "INPUT_SIZE": "false",
                **every_rule_on(project),
            }
            for key in ("PYENV_VERSION", "PYENV_ROOT", "SYSTEMROOT", "TMPDIR"):
                if key in os.environ:
                    env[key] = os.environ[key]
            try:
                proc = subprocess.run([sys.executable, str(project / "entrypoint.py")],
                                      cwd=workspace, env=env, capture_output=True, text=True,
                                      timeout=timeout, check=False)
                code: int | str = proc.returncode
                stdout, stderr = proc.stdout, proc.stderr
            except subprocess.TimeoutExpired as exc:
                code = "timeout"
                stdout = exc.stdout.decode("utf-8", "replace") if isinstance(exc.stdout, bytes) \
                    else (exc.stdout or "")
                stderr = exc.stderr.decode("utf-8", "replace") if isinstance(exc.stderr, bytes) \
                    else (exc.stderr or "")
        finally:
            server.stop()
        (out_dir / "stdout.txt").write_text(stdout)
        (out_dir / "stderr.txt").write_text(stderr)
        (out_dir / "event.json").write_text(json.dumps(event, indent=1))
        shutil.copyfile(summary, out_dir / "summary.md")
        shutil.copyfile(output, out_dir / "github_output.txt")
        outcome = Outcome(row, code, round(time.monotonic() - started, 1),
                          notes=notes, violations=list(server.violations),
                          comment_posted=any(c.user == "github-actions[bot]"
                                             for c in server.comments_on(PR)))
        comment = workspace / COMMENT_FILE
        if comment.is_file():
            shutil.copyfile(comment, out_dir / "comment.md")
        report_path = workspace / REPORT_FILE
        if not report_path.is_file():
            outcome.problem = f"no {REPORT_FILE} (exit {code}); see {out_dir}/stdout.txt"
            return outcome
        shutil.copyfile(report_path, out_dir / "report.json")
        report = json.loads(report_path.read_text(encoding="utf-8"))
        outcome.notes += list(report.get("notes", []))
        if not report.get("compared", False):
            outcome.problem = "the action had no base to compare with"
        broken = [n for n in outcome.notes if n.startswith(("could not lint the base",
                                                            "could not read the base"))]
        if broken:
            outcome.problem = broken[0][:300]
        for entry in report.get("files", []):
            outcome.new += [dict(item, path=item.get("path", entry["path"]))
                            for item in entry.get("new", [])]
            outcome.fixed += [dict(item, path=item.get("path", entry["path"]))
                              for item in entry.get("fixed", [])]
            outcome.existing += len(entry.get("existing", []))
        if code not in (0, 1):
            outcome.problem = outcome.problem or f"entrypoint exited {code}"
        return outcome
    except Exception as exc:  # one broken replay must not stop the others
        return Outcome(row, "error", round(time.monotonic() - started, 1),
                       problem=f"{type(exc).__name__}: {exc}")
    finally:
        if keep:
            (out_dir / "workdir.txt").write_text(str(tmp) + "\n")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def result_lines(o: Outcome) -> list[dict[str, Any]]:
    base = {"repo": o.row.repo, "commit": o.row.commit, "parent": o.row.parent,
            "kind": o.row.kind}
    lines: list[dict[str, Any]] = []
    for status, items in (("new", o.new), ("fixed", o.fixed)):
        for f in items:
            lines.append({"type": "finding", **base, "status": status, "path": f["path"],
                          "code": f["code"], "line": f["line"], "message": f["message"],
                          "source": f.get("source", ""), "severity": f.get("severity", "")})
    lines.append({"type": "commit", **base, "new": len(o.new), "fixed": len(o.fixed),
                  "existing": o.existing, "exit": o.exit, "seconds": o.seconds,
                  "problem": o.problem, "notes": o.notes, "violations": o.violations,
                  "comment_posted": o.comment_posted})
    return lines


def write_results(path: Path, outcomes: Iterable[Outcome], order: list[Row]) -> None:
    """Replace the lines of the replayed commits, keep the rest; manifest order."""
    done = {(o.row.repo, o.row.commit): o for o in outcomes}
    kept: list[dict[str, Any]] = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            if (str(item.get("repo")), str(item.get("commit"))) not in done:
                kept.append(item)
    rank = {(r.repo, r.commit): i for i, r in enumerate(order)}
    fresh = [line for o in done.values() for line in result_lines(o)]
    everything = kept + fresh
    everything.sort(key=lambda x: (rank.get((str(x.get("repo")), str(x.get("commit"))), len(rank)),
                                   x.get("type") == "commit"))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in everything),
                   encoding="utf-8")
    tmp.replace(path)


def table(outcomes: list[Outcome]) -> str:
    kinds: dict[str, list[Outcome]] = {}
    for o in outcomes:
        kinds.setdefault(o.row.kind, []).append(o)
    rows = [("kind", "commits", "new", "fixed", "exit-1", "problems")]
    for kind, items in sorted(kinds.items()):
        rows.append((kind, str(len(items)), str(sum(len(o.new) for o in items)),
                     str(sum(len(o.fixed) for o in items)),
                     str(sum(1 for o in items if o.exit == 1)),
                     str(sum(1 for o in items if not o.ok()))))
    rows.append(("total", str(len(outcomes)), str(sum(len(o.new) for o in outcomes)),
                 str(sum(len(o.fixed) for o in outcomes)),
                 str(sum(1 for o in outcomes if o.exit == 1)),
                 str(sum(1 for o in outcomes if not o.ok()))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                  for i, (c, w) in enumerate(zip(r, widths, strict=True)))
        for r in rows)


def every_rule_on(project: Path) -> dict[str, str]:
    """The override inputs that turn every opt-in DC rule on at its own severity: the replay
    measures matching for every rule, not only the ones on by default."""
    code = ("import sys, json; sys.path.insert(0, sys.argv[1]); from lint.rules import RULES; "
            "print(json.dumps({r.CODE: r.SEVERITY.value for r in RULES "
            "if not getattr(r, 'ENABLED', True)}))")
    proc = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True,
                          text=True, check=True)
    levels: dict[str, list[str]] = {}
    for rule, level in json.loads(proc.stdout).items():
        levels.setdefault(level, []).append(rule)
    return {f"INPUT_OVERRIDE-{level.upper()}": ",".join(sorted(codes))
            for level, codes in levels.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=DEFAULT_PROJECT,
                        help="the dockerfile-review checkout whose entrypoint.py is replayed "
                             "(default: the repository holding replay/)")
    parser.add_argument("--mirrors", type=Path,
                        default=Path(os.environ.get("REPLAY_MIRRORS") or DEFAULT_MIRRORS),
                        help="directory of <owner>+<name>/repo git mirrors "
                             "(default: $REPLAY_MIRRORS or /work/.mirror)")
    parser.add_argument("--manifest", type=Path, default=HERE / "manifest.tsv")
    parser.add_argument("--out", type=Path, default=None,
                        help="output directory (default: .replay next to replay/)")
    parser.add_argument("--only", action="append", default=[], metavar="REPO[@COMMIT]",
                        help="replay only these (repeatable; COMMIT may be a prefix)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=TIMEOUT,
                        help="seconds per entrypoint run (default 120)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary checkouts")
    args = parser.parse_args(argv)

    project = args.project.resolve()
    if not (project / "entrypoint.py").is_file():
        print(f"error: no entrypoint.py in {project}", file=sys.stderr)
        return 2
    examples = project / ".tools" / "node_modules" / "@octokit"
    if not (examples / "webhooks-examples").is_dir() or not (examples / "openapi").is_dir():
        print(f"error: {project}/.tools/node_modules/@octokit (webhooks-examples, openapi) is "
              "missing: install the npm tools or symlink .tools to a checkout that has them",
              file=sys.stderr)
        return 2
    out = (args.out or HERE.parent / ".replay").resolve()
    runs = out / "runs"
    rows = read_manifest(args.manifest)
    chosen = select(rows, args.only)
    if not chosen:
        print("nothing to replay (check --only)", file=sys.stderr)
        return 2
    missing = sorted({r.repo for r in chosen if mirror_of(args.mirrors, r.repo) is None})
    for repo in missing:
        print(f"missing mirror {args.mirrors}/{repo.replace('/', '+')}/repo: "
              f"fetch github:{repo}", file=sys.stderr)
    _load_server(project).GitHubServer()  # load GitHub's description once, up front
    lock = threading.Lock()
    outcomes: list[Outcome] = []
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(replay, row, project, args.mirrors, runs, args.timeout,
                               args.keep, lock) for row in chosen]
        for future in as_completed(futures):
            o = future.result()
            outcomes.append(o)
            flag = f"  !! {o.problem}" if o.problem else ""
            print(f"[{len(outcomes):>3}/{len(chosen)}] {o.row.slug:<48} {o.row.kind:<15} "
                  f"new {len(o.new):>3}  fixed {len(o.fixed):>3}  exit {o.exit!s:<7} "
                  f"{o.seconds:>5}s{flag}", flush=True)
    # A commit whose mirror is missing was not replayed: its earlier lines (if any) stay.
    write_results(out / "results.jsonl", [o for o in outcomes if o.exit != "missing"], rows)
    print()
    print(table(outcomes))
    print(f"\n{len(outcomes)} commits in {time.monotonic() - started:.0f}s; "
          f"results: {out / 'results.jsonl'}")
    bad = [o for o in outcomes if not o.ok()]
    for o in bad:
        print(f"problem: {o.row.slug}: {o.problem}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
