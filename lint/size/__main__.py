"""``python -m lint.size``: the size step on two Dockerfiles of one directory (the demo).

    python -m lint.size --demo examples/app
    python -m lint.size --base DIR/Dockerfile --head DIR/Dockerfile.slim [--context DIR]

Builds ``--base`` as the base branch would and ``--head`` as the pull request would, with the
action's own size step (``run_step`` under a ``pull_request`` event), and prints the size section
as markdown. ``--demo DIR`` means ``--base DIR/Dockerfile --head DIR/Dockerfile.slim --context
DIR``. Nothing in the directory changes: both files are copied with the context into a throwaway
git repository (base commit: the base file as ``Dockerfile``; head commit: the head file and its
``<name>.dockerignore`` in its place). ``--from-image`` (default ``local/python:3.11``, made by
``scripts/build-base-image``) replaces every registry image a ``FROM`` names, because no registry
may be reachable; pip's PEP 668 marker is removed from it first so ``pip install`` works as it
does on the official python images.

Exit: 0 printed, 1 a build failed, 2 the tool failed (bad path, no engine).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from lint.dockerfile import DockerfileError, parse
from lint.sinks import size as size_sink
from lint.size.docker import BuildRequest, Docker, DockerError
from lint.size.settings import SizeSettings
from lint.size.step import run_step, timed

PREPARED = "dockerfile-review-demo/python:pip"
_FROM = re.compile(r"^(\s*FROM\s+(?:--\S+\s+)*)(\S+)", re.IGNORECASE)


def with_base(text: str, image: str) -> str:
    """``text`` with every ``FROM`` that names a registry image (not a stage, not scratch)
    naming ``image`` instead."""
    dockerfile = parse("Dockerfile", text.encode())
    lines = text.splitlines(keepends=True)
    for stage in dockerfile.stages:
        if stage.parent is None and stage.base.lower() != "scratch":
            index = stage.line - 1
            lines[index] = _FROM.sub(lambda m: m.group(1) + image, lines[index], count=1)
    return "".join(lines)


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=dockerfile-review", "-c",
         "user.email=demo@dockerfile-review.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=cwd, capture_output=True, check=True, text=True).stdout.strip()


def _prepare(docker: Docker, source: str, tmp: Path) -> str:
    """``source`` with pip's EXTERNALLY-MANAGED marker removed, tagged ``PREPARED``."""
    folder = tmp / "prepare"
    folder.mkdir()
    (folder / "Dockerfile").write_text(
        f"FROM {source}\nRUN rm -f /usr/lib/python3*/EXTERNALLY-MANAGED\n")
    outcome = timed(_stderr, "preparing", "prepared", f"the base image {source} (pip's marker "
                    "removed)", lambda: docker.build(BuildRequest(folder, folder / "Dockerfile",
                                                                  PREPARED), 600),
                    lambda o: "" if o.ok else "failed")
    if not outcome.ok:
        raise DockerError(["docker", "build", PREPARED], 1, outcome.log_tail)
    return PREPARED


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def compare(base: Path, head: Path, context: Path, from_image: str, docker_command: str) -> int:
    docker = Docker(docker_command)
    with tempfile.TemporaryDirectory(prefix="dockerfile-review-demo-") as name:
        tmp = Path(name)
        try:
            docker.probe()
            image = _prepare(docker, from_image, tmp) if from_image else ""
        except DockerError as exc:
            print(f"lint.size: {exc}", file=sys.stderr)
            return 2
        repo = tmp / "repo"
        ignore = shutil.ignore_patterns(".git", base.name, head.name, base.name + ".dockerignore",
                                        head.name + ".dockerignore")
        shutil.copytree(context, repo, ignore=ignore, symlinks=True)
        _git(repo, "init", "-q", "-b", "main")
        shas = []
        for source in (base, head):
            text = source.read_text(encoding="utf-8")
            (repo / "Dockerfile").write_text(with_base(text, image) if image else text)
            own_ignore = source.with_name(source.name + ".dockerignore")
            target = repo / "Dockerfile.dockerignore"
            if own_ignore.is_file():
                target.write_text(own_ignore.read_text(encoding="utf-8"))
            elif target.exists():
                target.unlink()
            _git(repo, "add", "-A")
            _git(repo, "commit", "-q", "--allow-empty", "-m", source.name)
            shas.append(_git(repo, "rev-parse", "HEAD"))
        changed = _git(repo, "diff", "--name-only", *shas).splitlines()
        dockerfiles = {"Dockerfile": parse("Dockerfile", (repo / "Dockerfile").read_bytes())}
        print(f"size: the base side is {base}, the head side {head}", file=sys.stderr,
              flush=True)
        report = run_step(SizeSettings(docker_command=docker_command), workspace=repo,
                          event_name="pull_request", base_sha=shas[0], head_sha=shas[1],
                          changed=changed, dockerfiles=dockerfiles, say=_stderr)
    print(f"Base: {base}\nHead: {head}\nContext: {context}"
          + (f"\nFROM images replaced by {from_image} (pip's PEP 668 marker removed)"
             if from_image else "") + "\n")
    print(size_sink.markdown(report))
    return 1 if report.skipped or any(i.failure for i in report.images) else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lint.size", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--demo", metavar="DIR", type=Path,
                        help="DIR/Dockerfile against DIR/Dockerfile.slim, context DIR")
    parser.add_argument("--base", type=Path, help="the Dockerfile the base branch has")
    parser.add_argument("--head", type=Path, help="the Dockerfile the pull request has")
    parser.add_argument("--context", type=Path, help="build context (default: head's directory)")
    parser.add_argument("--from-image", default="local/python:3.11",
                        help="image every registry FROM becomes ('' keeps them)")
    parser.add_argument("--docker", default="/usr/bin/docker", help="docker client")
    args = parser.parse_args(argv)
    if args.demo is not None:
        base, head = args.demo / "Dockerfile", args.demo / "Dockerfile.slim"
        context = args.demo
    elif args.base is not None and args.head is not None:
        base, head, context = args.base, args.head, args.context or args.head.parent
    else:
        parser.error("give --demo DIR, or --base and --head")
    for path in (base, head):
        if not path.is_file():
            print(f"lint.size: {path} is not a file", file=sys.stderr)
            return 2
    if not context.is_dir():
        print(f"lint.size: {context} is not a directory", file=sys.stderr)
        return 2
    try:
        return compare(base, head, context, args.from_image, args.docker)
    except (DockerfileError, OSError, subprocess.CalledProcessError) as exc:
        print(f"lint.size: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
