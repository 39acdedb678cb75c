"""Changed files and lines: real git repositories in temporary directories (shallow clones,
renames, another owner), and the REST fallback against the GitHub-shaped test server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from lint.diff import Change, FileLines, parse_name_status, parse_unified
from lint.git import Git, extract_safely
from lint.github.api import Client
from lint.github.changes import open_base
from lint.review import affected_dockerfiles, removed_dockerfiles
from tests import ghserver
from tests.ghserver import GitHubServer, PRFile

github_server = ghserver.github_server

GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={**os.environ, **GIT_ENV})
    return proc.stdout.strip()


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def repo(tmp: Path, base: dict[str, str], head: dict[str, str],
         remove: tuple[str, ...] = ()) -> tuple[Path, str, str]:
    """A repository with a base commit and a head commit; returns (path, base, head)."""
    root = tmp / "origin"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, base)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    base_sha = git(root, "rev-parse", "HEAD")
    for name in remove:
        git(root, "rm", "-q", name)
    write(root, head)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "head")
    return root, base_sha, git(root, "rev-parse", "HEAD")


def test_parse_name_status() -> None:
    out = "M\0a/Dockerfile\0R087\0old/Dockerfile\0new/Dockerfile\0D\0gone\0A\0a%b,c:d\0"
    assert parse_name_status(out) == [
        Change("a/Dockerfile", "modified"),
        Change("new/Dockerfile", "renamed", "old/Dockerfile"),
        Change("gone", "removed"),
        Change("a%b,c:d", "added"),
    ]


def test_parse_unified_added_lines_and_context() -> None:
    diff = "\n".join([
        "diff --git a/x b/x", "--- a/x", "+++ b/x",
        "@@ -1,4 +1,5 @@", " FROM a", "-RUN old", "+RUN new", "+RUN more", " COPY . .",
        " CMD x",
        "@@ -20,4 +21,3 @@", " a", " b", "-gone", " c",
        "@@ -40,0 +41,1 @@", "+--- not a header",
    ])
    lines = parse_unified(diff)
    assert lines == FileLines(added=((2, 3), (41, 41)), context=((1, 5), (21, 23), (41, 41)))
    assert lines.in_added(3, 3) and not lines.in_added(4, 4)
    assert lines.in_context(22, 22) and not lines.in_context(30, 30)
    assert FileLines(whole=True).in_added(99, 99)


def test_changed_files_with_rename_and_deletion(tmp_path: Path) -> None:
    body = "FROM alpine:3.20\n" + "".join(f"RUN echo {i}\n" for i in range(10))
    root, base, _ = repo(tmp_path, {"old/Dockerfile": body, "gone/Dockerfile": "FROM a\n"},
                         {"new/Dockerfile": body + "USER app\n"},
                         remove=("old/Dockerfile", "gone/Dockerfile"))
    changes = Git(root).changed(base)
    assert sorted(changes, key=lambda c: c.path) == [
        Change("gone/Dockerfile", "removed"),
        Change("new/Dockerfile", "renamed", "old/Dockerfile"),
    ]


def test_shallow_checkout_fetches_the_base(tmp_path: Path) -> None:
    origin, base, head = repo(tmp_path, {"Dockerfile": "FROM a\n"}, {"Dockerfile": "FROM b\n"})
    ws = tmp_path / "ws"
    git(tmp_path, "clone", "-q", "--depth=1", f"file://{origin}", str(ws))
    g = Git(ws)
    assert not g.has_commit(base)
    assert not g.ensure_commit(base, fetch=False)
    assert g.ensure_commit(base, fetch=True)
    assert g.changed(base) == [Change("Dockerfile", "modified")]
    assert g.show(base, "Dockerfile") == b"FROM a\n"
    assert g.head() == head


def test_checkout_owned_by_another_user_needs_safe_directory(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to chown")
    root, base, _ = repo(tmp_path, {"Dockerfile": "FROM a\n"}, {"Dockerfile": "FROM b\n"})
    subprocess.run(["chown", "-R", "12345:12345", str(root)], check=True)
    plain = subprocess.run(["git", "status"], cwd=root, capture_output=True, text=True,
                           env={**os.environ, **GIT_ENV})
    assert "dubious ownership" in plain.stderr
    assert Git(root).changed(base) == [Change("Dockerfile", "modified")]


def test_archive_leaves_out_links_leading_outside(tmp_path: Path) -> None:
    root, base, _ = repo(tmp_path, {"app/Dockerfile": "FROM a\n", "app/.dockerignore": "x\n",
                                    "other/file": "y"}, {"app/Dockerfile": "FROM b\n"})
    (root / "app" / "evil").symlink_to("/etc/passwd")
    (root / "app" / "ok").symlink_to("Dockerfile")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "links")
    sha = git(root, "rev-parse", "HEAD")
    dest = tmp_path / "base"
    Git(root).archive(sha, ["app", "missing-dir", ".hadolint.yaml"], dest)
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*")) == [
        "app", "app/.dockerignore", "app/Dockerfile", "app/ok"]
    assert (dest / "app" / "Dockerfile").read_text() == "FROM b\n"
    assert base != sha


def _tree(root: Path) -> dict[str, tuple[str, int, str]]:
    tree: dict[str, tuple[str, int, str]] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            tree[rel] = ("symlink", 0, os.readlink(path))
        elif path.is_dir():
            tree[rel] = ("dir", path.stat().st_mode & 0o7777, "")
        else:
            tree[rel] = ("file", path.stat().st_mode & 0o7777, path.read_text())
    return tree


@pytest.mark.parametrize("pep706", [True, False], ids=["tarfile-data-filter", "own-filter"])
def test_extract_safely_filters_as_tarfile_data_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pep706: bool,
) -> None:
    """The same tree from tarfile's ``data`` filter (Python 3.11.4+) and from the rules
    extract_safely applies itself where tarfile has no filters (Debian 12's Python 3.11.2)."""
    import io
    import tarfile

    import lint.git

    if pep706 and not hasattr(tarfile, "data_filter"):
        pytest.skip("this Python's tarfile has no extraction filters (PEP 706)")
    monkeypatch.setattr(lint.git, "HAS_DATA_FILTER", pep706)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        def add(name: str, kind: bytes = tarfile.REGTYPE, mode: int = 0o644,
                text: str = "", link: str = "") -> None:
            info = tarfile.TarInfo(name)
            info.type, info.mode, info.linkname, info.mtime = kind, mode, link, 1_700_000_000
            info.size = len(text.encode()) if kind == tarfile.REGTYPE else 0
            tar.addfile(info, io.BytesIO(text.encode()) if kind == tarfile.REGTYPE else None)

        add("fine", text="f")
        add("/abs", text="a")
        add("../escape", text="e")
        add("exec", mode=0o4775, text="x")
        add("noexec", mode=0o070, text="n")
        add("dir", tarfile.DIRTYPE, 0o777)
        add("dir/up", tarfile.SYMTYPE, link="../fine")
        add("dir/out", tarfile.SYMTYPE, link="../../x")
        add("abslink", tarfile.SYMTYPE, link="/etc/passwd")
        add("hard", tarfile.LNKTYPE, link="fine")
        add("hardout", tarfile.LNKTYPE, link="../x")
        add("fifo", tarfile.FIFOTYPE)
        add("dev", tarfile.CHRTYPE)
    old = os.umask(0o022)
    try:
        extract_safely(buf.getvalue(), tmp_path / "out")
    finally:
        os.umask(old)
    assert _tree(tmp_path / "out") == {
        "abs": ("file", 0o644, "a"), "dir": ("dir", 0o755, ""),
        "dir/up": ("symlink", 0, "../fine"), "exec": ("file", 0o755, "x"),
        "fine": ("file", 0o644, "f"), "hard": ("file", 0o644, "f"),
        "noexec": ("file", 0o640, "n")}
    assert (tmp_path / "out" / "fine").stat().st_mtime == 1_700_000_000
    assert not (tmp_path / "escape").exists()


def test_extract_safely_skips_escaping_members(tmp_path: Path) -> None:
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name in ("../escape", "/abs", "fine"):
            info = tarfile.TarInfo(name)
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
    extract_safely(buf.getvalue(), tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").rglob("*")) == ["abs", "fine"]
    assert not (tmp_path / "escape").exists()


def test_diff_lines_from_git(tmp_path: Path) -> None:
    old = tmp_path / "old"
    new = tmp_path / "new"
    old.write_text("FROM a\nRUN 1\nRUN 2\nRUN 3\n")
    new.write_text("FROM a\nRUN 1\nRUN two\nRUN 3\nUSER x\n")
    lines = Git(tmp_path).diff_lines(old, new)
    assert lines.added == ((3, 3), (5, 5))
    assert Git(tmp_path).diff_lines(None, new) == FileLines(whole=True)


def test_affected_dockerfiles_and_reasons() -> None:
    changes = [Change("svc/.dockerignore", "modified"), Change("app/Dockerfile", "modified"),
               Change("web/Dockerfile.dev.dockerignore", "added")]
    files = ["app/Dockerfile", "svc/Dockerfile", "web/Dockerfile.dev", "web/Dockerfile",
             "x/Dockerfile"]
    assert affected_dockerfiles(changes, files) == {
        "app/Dockerfile": "changed", "svc/Dockerfile": "dockerignore",
        "web/Dockerfile.dev": "dockerignore"}
    with_config = [*changes, Change(".hadolint.yaml", "modified")]
    assert affected_dockerfiles(with_config, files)["x/Dockerfile"] == "config"
    assert affected_dockerfiles([Change("ci/lint.yaml", "modified")], files, "ci/lint.yaml") == {
        p: "config" for p in files}
    renamed = [Change("new/Dockerfile", "renamed", "old/Dockerfile")]
    assert affected_dockerfiles(renamed, ["new/Dockerfile"]) == {"new/Dockerfile": "changed"}


def test_removed_dockerfiles_follow_discovery_rules() -> None:
    changes = [Change("app/Dockerfile", "removed"), Change("vendor/Dockerfile", "removed"),
               Change("docker/base.df", "removed"), Change("README.md", "removed"),
               Change("x/Dockerfile", "modified")]
    assert removed_dockerfiles(changes, ["docker/*.df"], ["vendor/**"]) == [
        "app/Dockerfile", "docker/base.df"]


def test_rest_fallback_without_git(tmp_path: Path, github_server: GitHubServer) -> None:
    base = "b" * 40
    github_server.set_pr_files(7, [PRFile("app/Dockerfile"),
                                   PRFile("new/Dockerfile", "renamed", "old/Dockerfile")])
    github_server.set_file(base, "old/Dockerfile", b"FROM old\n")
    github_server.set_file(base, "app/.dockerignore", b"secret\n")
    github_server.set_file(base, ".hadolint.yaml", b"ignored: [DL3008]\n")
    ws = tmp_path / "ws"
    ws.mkdir()
    client = Client("ghs_fake", github_server.url, github_server.repository, backoff=0)
    view = open_base(ws, base, fetch=True, pr_number=7, api=lambda: client)
    assert view is not None and view.source == "api"
    assert view.changes == [Change("app/Dockerfile", "modified"),
                            Change("new/Dockerfile", "renamed", "old/Dockerfile")]
    dest = tmp_path / "base"
    view.materialize(["old/Dockerfile", "app/Dockerfile"], dest)
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == [
        ".hadolint.yaml", "app/.dockerignore", "old/Dockerfile"]


def test_no_git_and_no_pull_request_means_no_base(tmp_path: Path) -> None:
    assert open_base(tmp_path, "b" * 40, fetch=True, pr_number=None, api=None) is None
