#!/usr/bin/env python3
"""Rebuild the Dockerfile corpus from the manifests and local git mirrors.

Reads every ``corpus/manifest-*.tsv``, validates the rows, refuses any repository listed in the
shared exclude file, extracts each row's Dockerfile and build context from the mirror at the
pinned commit into ``.corpus/trees/<owner>+<name>@<commit12>/``, checks each Dockerfile's sha256
and writes ``.corpus/index.jsonl``. Standard library only.

Exit codes: 0 built, 1 a manifest row is wrong (bad column, excluded repo, sha256 mismatch),
2 a mirror (or the pinned commit in it) is missing: fetch it and run again.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

HEADER = ("repo", "path", "commit", "sha256", "category", "context")
MAX_FILE = 5 * 1024 * 1024  # larger blobs are left out of the extracted trees
REPO_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,38}/[A-Za-z0-9._-]{1,100}$")
HEX40_RE = re.compile(r"^[0-9a-f]{40}$")
HEX64_RE = re.compile(r"^[0-9a-f]{64}$")
CATEGORY_RE = re.compile(r"^[a-z][a-z0-9-]*$")
DEFAULT_MIRRORS = "/work/.mirror"

ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = ROOT / "corpus"
OUT_DIR = ROOT / ".corpus"


class CorpusError(Exception):
    """A problem with the manifests or the extracted files; exit 1."""


@dataclass(frozen=True)
class Row:
    repo: str
    path: str
    commit: str
    sha256: str
    category: str
    context: str
    where: str  # manifest file and line, for messages

    @property
    def slug(self) -> str:
        return f"{self.repo.replace('/', '+')}@{self.commit[:12]}"

    @property
    def id(self) -> str:
        return f"{self.repo}:{self.path}"


def _rel_path(value: str, *, allow_dot: bool) -> str | None:
    """Return the normalised repo-relative path, or None if it is not one."""
    if not value or value.startswith("/") or "\\" in value:
        return None
    if value == ".":
        return "." if allow_dot else None
    parts = PurePosixPath(value).parts
    if any(p in ("..", ".", "") for p in parts) or value.endswith("/"):
        return None
    return str(PurePosixPath(*parts))


def read_manifests(paths: list[Path]) -> list[Row]:
    rows: list[Row] = []
    errors: list[str] = []
    for manifest in paths:
        lines = manifest.read_text(encoding="utf-8").splitlines()
        if not lines or tuple(lines[0].split("\t")) != HEADER:
            errors.append(f"{manifest.name}:1: header must be exactly: {chr(9).join(HEADER)!r}")
            continue
        for number, line in enumerate(lines[1:], start=2):
            where = f"{manifest.name}:{number}"
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) != len(HEADER):
                errors.append(f"{where}: {len(cols)} columns, expected {len(HEADER)}")
                continue
            repo, path, commit, sha, category, context = (c.strip() for c in cols)
            problems = []
            if not REPO_RE.match(repo):
                problems.append(f"repo {repo!r} is not owner/name")
            norm_path = _rel_path(path, allow_dot=False)
            if norm_path is None or norm_path != path:
                problems.append(f"path {path!r} is not a normalised repo-relative file path")
            if not HEX40_RE.match(commit):
                problems.append(f"commit {commit!r} is not 40 lowercase hex digits")
            if not HEX64_RE.match(sha):
                problems.append(f"sha256 {sha!r} is not 64 lowercase hex digits")
            if not CATEGORY_RE.match(category):
                problems.append(f"category {category!r} is not a lowercase word")
            norm_ctx = _rel_path(context, allow_dot=True)
            if norm_ctx is None or norm_ctx != context:
                problems.append(f"context {context!r} is not '.' or a normalised folder path")
            if problems:
                errors.extend(f"{where}: {p}" for p in problems)
                continue
            rows.append(Row(repo, path, commit, sha, category, context, where))
    seen: dict[str, Row] = {}
    commits: dict[str, Row] = {}
    for row in rows:
        if row.id.lower() in seen:
            errors.append(f"{row.where}: {row.id} already listed at {seen[row.id.lower()].where}")
        seen.setdefault(row.id.lower(), row)
        first = commits.setdefault(row.repo.lower(), row)
        if first.commit != row.commit or first.repo != row.repo:
            errors.append(
                f"{row.where}: {row.repo}@{row.commit[:12]} but {first.where} has "
                f"{first.repo}@{first.commit[:12]}; one spelling and one commit per repository"
            )
    if errors:
        raise CorpusError("\n".join(errors))
    return rows


def find_exclude_file(explicit: str | None) -> Path:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise CorpusError(f"--exclude {explicit}: no such file")
        return path
    candidates = [ROOT.parent / "shared" / "corpus-exclude.txt"]
    # In a linked worktree the repository root's sibling is the main checkout's, not ours.
    try:
        common = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--path-format=absolute", "--git-common-dir"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        candidates.append(Path(common).parent.parent / "shared" / "corpus-exclude.txt")
    except (OSError, subprocess.CalledProcessError):
        pass
    candidates = list(dict.fromkeys(candidates))
    for path in candidates:
        if path.is_file():
            return path
    tried = ", ".join(str(p) for p in candidates)
    raise CorpusError(f"exclude list not found (tried {tried}); pass --exclude FILE")


def read_exclude(path: Path) -> set[str]:
    names = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            names.add(line.lower())
    return names


def check_excluded(rows: list[Row], excluded: set[str], source: Path) -> None:
    bad = [
        f"{r.where}: {r.repo} is on the exclude list ({source})"
        for r in rows
        if r.repo.lower() in excluded
    ]
    if bad:
        raise CorpusError("\n".join(bad))


def git(git_dir: Path, *args: str, data: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], input=data, capture_output=True, check=False
    )
    if result.returncode != 0:
        raise CorpusError(
            f"git --git-dir={git_dir} {' '.join(args)} exited {result.returncode}: "
            f"{result.stderr.decode(errors='replace').strip()}"
        )
    return result.stdout


def has_commit(git_dir: Path, commit: str) -> bool:
    result = subprocess.run(
        ["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


def pathspecs(rows: list[Row]) -> list[str]:
    """The folders and files to extract for one repository: contexts and Dockerfiles."""
    wanted = sorted({r.context for r in rows} | {r.path for r in rows})
    if "." in wanted:
        return ["."]
    # Drop anything already inside another wanted folder.
    kept: list[str] = []
    for spec in wanted:
        if not any(spec.startswith(k + "/") for k in kept):
            kept.append(spec)
    return kept


def extract(git_dir: Path, commit: str, specs: list[str], dest: Path) -> dict[str, int]:
    """Write the blobs under ``specs`` at ``commit`` into ``dest``; returns skip counts.

    Equivalent to ``git archive <commit> -- <specs> | tar -x`` but reads blobs directly, so
    ``export-ignore``/``export-subst`` attributes cannot drop or rewrite a file, and symlinks,
    submodules and files over 5 MB are skipped instead of written.
    """
    listing = git(
        git_dir,
        "ls-tree",
        "-r",
        "-l",
        "-z",
        "--full-tree",
        commit,
        "--",
        *(s for s in specs if s != "."),
    )
    skipped: Counter[str] = Counter()
    wanted: list[tuple[str, str, str]] = []  # (mode, object, path)
    for entry in listing.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, obj, size = meta.decode().split()
        path = raw_path.decode("utf-8", errors="surrogateescape")
        rel = _rel_path(path, allow_dot=False)
        if rel is None:
            skipped["odd-path"] += 1
        elif kind != "blob":
            skipped["submodule"] += 1
        elif mode == "120000":
            skipped["symlink"] += 1
        elif not size.isdigit():
            skipped["blob-absent-from-mirror"] += 1  # snapshots lack files of 4 MiB and more
        elif int(size) > MAX_FILE:
            skipped["over-5MB"] += 1
        else:
            wanted.append((mode, obj, rel))
    proc = subprocess.Popen(
        ["git", f"--git-dir={git_dir}", "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin and proc.stdout
    try:
        for mode, obj, rel in wanted:
            proc.stdin.write(obj.encode() + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().split()
            if len(header) != 3:
                raise CorpusError(f"{git_dir}: cat-file gave {header!r} for {obj} ({rel})")
            content = proc.stdout.read(int(header[2]))
            proc.stdout.read(1)  # the newline after each object
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
            if mode == "100755":
                target.chmod(0o755)
    finally:
        proc.stdin.close()
        proc.wait()
    return dict(skipped)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--mirrors",
        default=os.environ.get("CORPUS_MIRRORS", DEFAULT_MIRRORS),
        help="folder holding <owner>+<name>/repo git mirrors "
        "(env CORPUS_MIRRORS; default %(default)s)",
    )
    parser.add_argument(
        "--exclude", help="exclude list (default <repo root>/../shared/corpus-exclude.txt)"
    )
    parser.add_argument("--only", metavar="REPO", help="re-extract this owner/name only")
    parser.add_argument("--out", default=str(OUT_DIR), help="output folder (default %(default)s)")
    args = parser.parse_args(argv)

    try:
        manifests = sorted(CORPUS_DIR.glob("manifest-*.tsv"))
        if not manifests:
            raise CorpusError(f"no manifest-*.tsv in {CORPUS_DIR}")
        rows = read_manifests(manifests)
        exclude_file = find_exclude_file(args.exclude)
        check_excluded(rows, read_exclude(exclude_file), exclude_file)
        if args.only and not any(r.repo.lower() == args.only.lower() for r in rows):
            raise CorpusError(f"--only {args.only}: no manifest row has that repository")

        by_repo: dict[str, list[Row]] = {}
        for row in rows:
            by_repo.setdefault(row.repo, []).append(row)
        todo = {k: v for k, v in by_repo.items() if not args.only or k.lower() == args.only.lower()}

        mirrors = Path(args.mirrors)
        missing = []
        for repo, repo_rows in todo.items():
            git_dir = mirrors / repo.replace("/", "+") / "repo"
            if not git_dir.is_dir():
                missing.append(f"missing mirror {git_dir}: fetch github:{repo}")
            elif not has_commit(git_dir, repo_rows[0].commit):
                missing.append(
                    f"mirror {git_dir} lacks commit {repo_rows[0].commit} "
                    f"(first row {repo_rows[0].where}): fetch github:{repo} again "
                    f"or re-pin the rows"
                )
        if missing:
            print("\n".join(missing), file=sys.stderr)
            print(f"build.py: {len(missing)} mirror(s) missing; nothing extracted", file=sys.stderr)
            return 2

        out = Path(args.out).resolve()
        trees, state = out / "trees", out / "state"
        trees.mkdir(parents=True, exist_ok=True)
        state.mkdir(parents=True, exist_ok=True)
        extracted = 0
        for repo, repo_rows in sorted(todo.items()):
            first = repo_rows[0]
            specs = pathspecs(repo_rows)
            tree = trees / first.slug
            marker = state / f"{first.slug}.json"
            if not args.only and tree.is_dir() and marker.is_file():
                done = json.loads(marker.read_text())
                if done.get("specs") == specs or done.get("specs") == ["."]:
                    continue
            git_dir = mirrors / repo.replace("/", "+") / "repo"
            tmp = trees / f".{first.slug}.tmp{os.getpid()}"
            shutil.rmtree(tmp, ignore_errors=True)
            tmp.mkdir()
            skipped = extract(git_dir, first.commit, specs, tmp)
            shutil.rmtree(tree, ignore_errors=True)
            tmp.rename(tree)
            marker.write_text(
                json.dumps(
                    {"repo": repo, "commit": first.commit, "specs": specs, "skipped": skipped},
                    sort_keys=True,
                )
                + "\n"
            )
            extracted += 1

        mismatches = []
        index_lines = []
        for row in rows:
            tree = trees / row.slug
            marker = state / f"{row.slug}.json"
            if not marker.is_file():
                continue  # only possible with --only: that repository was not built yet
            dockerfile = tree / row.path
            if not dockerfile.is_file():
                mismatches.append(
                    f"{row.where}: {row.id}@{row.commit[:12]} was not extracted "
                    f"(missing at that commit, a symlink, or over 5 MB)"
                )
                continue
            actual = sha256_of(dockerfile)
            if actual != row.sha256:
                mismatches.append(
                    f"{row.where}: sha256 mismatch for {row.id}@{row.commit[:12]}:"
                    f" manifest {row.sha256}, file {actual}"
                )
                continue
            context = tree if row.context == "." else tree / row.context
            if not context.is_dir():
                mismatches.append(
                    f"{row.where}: context {row.context!r} of {row.id} is not a "
                    f"folder at {row.commit[:12]}"
                )
                continue
            index_lines.append(
                json.dumps(
                    {
                        "id": row.id,
                        "repo": row.repo,
                        "path": row.path,
                        "commit": row.commit,
                        "sha256": row.sha256,
                        "category": row.category,
                        "tree": str(tree),
                        "dockerfile": str(dockerfile),
                        "context": str(context),
                    },
                    sort_keys=False,
                )
            )
        if mismatches:
            raise CorpusError("\n".join(mismatches))

        index = out / "index.jsonl"
        tmp_index = out / f".index.jsonl.tmp{os.getpid()}"
        tmp_index.write_text("".join(line + "\n" for line in index_lines), encoding="utf-8")
        tmp_index.replace(index)
    except CorpusError as err:
        print(f"build.py: error:\n{err}", file=sys.stderr)
        return 1

    categories = Counter(r.category for r in rows)
    cats = ", ".join(f"{c}={n}" for c, n in sorted(categories.items()))
    left_out = len(rows) - len(index_lines)
    note = f"; {left_out} row(s) not yet built (run without --only)" if left_out else ""
    print(
        f"corpus: {len(rows)} rows, {len(by_repo)} repos, {extracted} tree(s) extracted, "
        f"index {index}; categories: {cats}{note}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
