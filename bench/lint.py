"""Benchmark: the whole lint CLI against hadolint alone, on a corpus generated at run time.

    python3 bench/lint.py [--files 240] [--repeat 5] [--seed 7] [--heredoc-share 0.15]

Generates varied Dockerfiles (multi-stage, heredocs, long RUN chains, apt/apk/dnf/pip/npm/gem/
go/cargo/composer) into a temporary directory, then measures side by side, interleaved, in one
run:

* ``hadolint -f json FILE...``: one process, hadolint's default runtime flags;
* ``python -m lint -f json .``: our whole CLI (discovery, parse, every DC rule, hadolint in
  batches, config, fingerprints, JSON), with the peak RSS of its whole process tree (the sum
  of every descendant's RSS, sampled from /proc every 5 ms).

Every run is checked: exit codes, JSON output, our CLI reporting on every generated file, and
hadolint finding something in the same files alone and through our CLI. Prints the median wall
and CPU times, their ratio (target <= 1.0) and the peak RSS (target <= 250 MB); exits 1 when a
target is missed, 2 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parent.parent
#: hadolint 2.15.1 cannot parse a heredoc followed by another line (it reports DL1000 and lints
#: nothing else in the file), so a corpus full of heredocs would time hadolint's parser failing,
#: not its rules. Heredocs therefore go into a minority of the files; ``--heredoc-share`` sets it.
HEREDOC_SHARE = 0.15

_APT = ["curl", "ca-certificates", "git", "build-essential", "libpq-dev", "gcc", "make",
        "python3-dev", "unzip", "wget", "gnupg", "openssl", "jq", "tzdata", "locales"]
_APK = ["curl", "bash", "git", "build-base", "openssl", "tzdata", "ca-certificates", "musl-dev"]
_DNF = ["gcc", "make", "git", "tar", "gzip", "which", "procps-ng", "openssl-devel"]
_PIP = ["flask", "requests", "gunicorn", "uvicorn", "fastapi", "django", "celery", "redis",
        "numpy", "pandas", "psycopg2-binary", "boto3"]
_NPM = ["express", "lodash", "typescript", "pm2", "yarn", "react", "webpack", "axios"]
_GEM = ["bundler", "rails", "puma", "sidekiq", "nokogiri"]
_GO = ["github.com/go-delve/delve/cmd/dlv", "golang.org/x/tools/gopls",
       "github.com/golangci/golangci-lint/cmd/golangci-lint"]
_CARGO = ["ripgrep", "cargo-audit", "bat", "fd-find"]
_COMPOSER = ["laravel/installer", "phpunit/phpunit", "friendsofphp/php-cs-fixer"]
_BASES = {
    "apt": ["debian:12", "debian:bookworm-slim", "ubuntu:22.04", "ubuntu", "debian:latest",
            "ubuntu:24.04@sha256:" + "a" * 64],
    "apk": ["alpine:3.20", "alpine", "alpine:latest"],
    "dnf": ["fedora:40", "rockylinux:9", "registry.access.redhat.com/ubi9/ubi:9.4"],
    "pip": ["python:3.12-slim", "python:3.11", "python:3.12-alpine", "python"],
    "npm": ["node:20-slim", "node:20", "node:lts-alpine"],
    "gem": ["ruby:3.3-slim", "ruby:3.3"],
    "go": ["golang:1.22", "golang:1.22-alpine"],
    "cargo": ["rust:1.79", "rust:1.79-slim"],
    "composer": ["composer:2", "php:8.3-cli"],
}


def _install(rng: random.Random, manager: str) -> list[str]:
    """Shell commands installing a few packages, sometimes the right way, sometimes not."""
    def some(pool: list[str], low: int = 1, high: int = 4) -> list[str]:
        return rng.sample(pool, rng.randint(low, min(high, len(pool))))

    pin = rng.random() < 0.3
    if manager == "apt":
        pkgs = [f"{p}=1.0-1" if pin else p for p in some(_APT, 2, 6)]
        flags = "-y --no-install-recommends" if rng.random() < 0.5 else "-y"
        cmds = ["apt-get update", f"apt-get install {flags} {' '.join(pkgs)}"]
        if rng.random() < 0.5:
            cmds.append("rm -rf /var/lib/apt/lists/*")
        return cmds
    if manager == "apk":
        pkgs = [f"{p}=1.0-r0" if pin else p for p in some(_APK)]
        return [f"apk add {'--no-cache ' if rng.random() < 0.5 else ''}{' '.join(pkgs)}"]
    if manager == "dnf":
        tool = rng.choice(["dnf", "yum", "microdnf"])
        cmds = [f"{tool} install -y {' '.join(some(_DNF))}"]
        if rng.random() < 0.5:
            cmds.append(f"{tool} clean all")
        return cmds
    if manager == "pip":
        pkgs = [f"{p}==1.2.3" if pin else p for p in some(_PIP, 1, 5)]
        cache = "--no-cache-dir " if rng.random() < 0.5 else ""
        cmds = [f"pip install {cache}{' '.join(pkgs)}"]
        if rng.random() < 0.4:
            cmds.insert(0, "pip install --upgrade pip")
        return cmds
    if manager == "npm":
        pkgs = [f"{p}@1.0.0" if pin else p for p in some(_NPM)]
        return [rng.choice(["npm ci", "npm install"]), f"npm install -g {' '.join(pkgs)}"]
    if manager == "gem":
        pkgs = [f"{p}:1.0.0" if pin else p for p in some(_GEM)]
        return [f"gem install {' '.join(pkgs)}", "bundle install"]
    if manager == "go":
        return [f"go install {p}@{'v1.0.0' if pin else 'latest'}" for p in some(_GO, 1, 2)]
    if manager == "cargo":
        return [f"cargo install {p}" for p in some(_CARGO, 1, 2)]
    return [f"composer global require {p}" for p in some(_COMPOSER, 1, 2)]


def _chain(commands: list[str], rng: random.Random) -> str:
    extra = ["mkdir -p /app/data", "cd /tmp", "echo $HOME", "chmod 755 /usr/local/bin/app",
             "ln -s /usr/bin/python3 /usr/bin/python", "useradd -m app", "sudo true",
             "wget -q https://example.com/x.tgz", "tar xzf x.tgz", "export PATH=$PATH:/opt",
             "ls -la", "cp -r src/ /app/", "echo done > /tmp/status"]
    cmds = commands + rng.sample(extra, rng.randint(0, 5))
    if rng.random() < 0.2:
        cmds += [f"echo step{i}" for i in range(rng.randint(10, 40))]
    return "RUN " + " \\\n    && ".join(cmds)


def _heredoc(commands: list[str], rng: random.Random) -> list[str]:
    shape = rng.choice(["plain", "tabs", "quoted", "copy"])
    if shape == "tabs":
        return ["RUN <<-EOF", *("\t" + c for c in ["set -e", *commands]), "\tEOF"]
    if shape == "quoted":
        return ["RUN <<'EOT' bash", "set -eux", *commands, "EOT"]
    if shape == "copy":
        return ["COPY <<EOF /etc/app.conf", "listen = 8080", "workers = 4", "EOF",
                "RUN <<EOF", *commands, "EOF"]
    return ["RUN <<EOF", "set -eux", *commands, "EOF"]


def dockerfile(rng: random.Random, index: int, heredocs: bool = False) -> str:
    """One generated Dockerfile; with ``heredocs``, about half its RUNs are heredocs."""
    manager = rng.choice(list(_BASES))
    lines: list[str] = []
    if rng.random() < 0.2:
        lines.append("# syntax=docker/dockerfile:1")
    if rng.random() < 0.3:
        lines.append("ARG VERSION=1.0")
    stages = rng.choice([1, 1, 2, 2, 3])
    for stage in range(stages):
        final = stage == stages - 1
        base = rng.choice(_BASES[manager]) if stage == 0 or rng.random() < 0.6 else "builder0"
        name = f" AS builder{stage}" if not final else (" AS final" if rng.random() < 0.5 else "")
        platform_flag = "--platform=$BUILDPLATFORM " if rng.random() < 0.1 else ""
        lines.append(f"FROM {platform_flag}{base}{name}")
        if rng.random() < 0.4:
            lines.append("LABEL maintainer=\"team@example.com\" version=\"$VERSION\"")
        if rng.random() < 0.5:
            lines.append("ENV APP_HOME=/app \\\n    PYTHONUNBUFFERED=1")
        lines.append(rng.choice(["WORKDIR /app", "WORKDIR app", "RUN cd /app"]))
        if rng.random() < 0.15:
            lines.append("# hadolint ignore=DL3008,DL3013,DC101")
        for _ in range(rng.randint(1, 3)):
            commands = _install(rng, manager)
            if heredocs and rng.random() < 0.5:
                lines += _heredoc(commands, rng)
            elif rng.random() < 0.2:
                lines.append(f"RUN --mount=type=cache,target=/root/.cache {' && '.join(commands)}")
            else:
                lines.append(_chain(commands, rng))
        if stage > 0 and rng.random() < 0.8:
            lines.append(f"COPY --from=builder{stage - 1} /out /app/bin")
        lines.append(rng.choice(["COPY . .", "COPY . /app", "ADD . /app", "COPY src/ /app/src/",
                                 "COPY --chown=app:app requirements.txt ./"]))
        if final:
            if rng.random() < 0.5:
                lines.append(rng.choice(["USER app", "USER 1000", "USER root"]))
            if rng.random() < 0.5:
                lines.append(f"EXPOSE {rng.choice([80, 22, 8080, 3000])}")
            if rng.random() < 0.3:
                lines.append("HEALTHCHECK CMD curl -f http://localhost/ || exit 1")
            lines.append(rng.choice(['CMD ["./app", "--serve"]', "CMD ./app --serve",
                                     'ENTRYPOINT ["/app/bin/run"]', "ENTRYPOINT /app/bin/run"]))
    return "\n".join(lines) + "\n"


def generate(directory: Path, count: int = 240, seed: int = 7,
             heredoc_share: float = HEREDOC_SHARE) -> list[Path]:
    """Write ``count`` Dockerfiles under ``directory`` (one project directory each)."""
    rng = random.Random(seed)
    names = ["Dockerfile", "Dockerfile.dev", "app.Dockerfile", "Containerfile", "Dockerfile.prod"]
    out = []
    for index in range(count):
        project = directory / f"svc{index:03d}"
        project.mkdir(parents=True, exist_ok=True)
        path = project / names[index % len(names)]
        heredocs = rng.random() < heredoc_share
        path.write_text(dockerfile(rng, index, heredocs), encoding="utf-8")
        out.append(path)
    return out


class _TreeSampler:
    """Peak of the summed VmRSS of a process and every descendant, sampled from /proc.

    A pid's parent is read once, when the pid first shows up, so one sample costs a directory
    listing plus one read per process of the tree; a descendant whose parent exits stays counted.
    Shared pages (hadolint's code in several processes) count once per process: an upper bound.
    """

    def __init__(self, root: int) -> None:
        self.root = root
        self.parents: dict[int, int] = {}
        self.peak = 0
        self.pids: set[int] = set()
        self._page = os.sysconf("SC_PAGE_SIZE")

    def sample(self) -> None:
        live = {int(e) for e in os.listdir("/proc") if e.isdigit()}
        for pid in live - self.parents.keys():
            try:
                with open(f"/proc/{pid}/stat", "rb") as fh:
                    stat = fh.read()
            except OSError:
                continue
            self.parents[pid] = int(stat[stat.rfind(b")") + 2 :].split()[1])
        for pid in self.parents.keys() - live:
            del self.parents[pid]
        tree = {self.root}
        changed = True
        while changed:
            changed = False
            for pid, ppid in self.parents.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        total = 0
        for pid in tree:
            try:
                with open(f"/proc/{pid}/statm", "rb") as fh:
                    total += int(fh.read().split()[1]) * self._page
            except OSError:
                continue
        self.pids |= tree
        self.peak = max(self.peak, total)


class Run(NamedTuple):
    wall: float  # seconds
    cpu: float  # user + system seconds of the process and every descendant it waited for
    peak_rss: int  # bytes
    processes: int  # distinct pids seen in the tree
    code: int
    stdout: bytes


def measure(command: list[str], cwd: Path) -> Run:
    """Run ``command`` once, sampling its process tree's RSS every 5 ms."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL)
        sampler = _TreeSampler(proc.pid)
        done = threading.Event()

        def poll() -> None:
            while not done.is_set():
                sampler.sample()
                time.sleep(0.005)

        thread = threading.Thread(target=poll, daemon=True)
        thread.start()
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        thread.join()
        out.seek(0)
        stdout = out.read()
    return Run(elapsed, usage.ru_utime + usage.ru_stime, sampler.peak, len(sampler.pids),
               proc.returncode, stdout)


def _check(theirs: Run, ours: Run, rel: list[str]) -> tuple[int, str | None]:
    """Both really linted the same files: (files hadolint alone could not parse, problem)."""
    if theirs.code not in (0, 1):
        return 0, f"hadolint exited {theirs.code}"
    if ours.code != 0:
        return 0, f"our CLI exited {ours.code}"
    try:
        hl = json.loads(theirs.stdout)
        mine = json.loads(ours.stdout)
    except ValueError as exc:
        return 0, f"output is not JSON: {exc}"
    if not hl or not mine:
        return 0, "empty output"
    corpus = set(rel)
    hl_files = {item["file"] for item in hl}
    our_files = {item["path"] for item in mine}
    # A real file may have no finding at all (the generated ones always have some); which
    # files hadolint reports is compared below.
    if not our_files <= corpus:
        return 0, "our CLI reported files outside the corpus"
    if not hl_files <= corpus:
        return 0, "hadolint reported files outside the corpus"
    ours_hl = {item["path"] for item in mine if item["source"] != "dockerfile-review"}
    # A file hadolint alone cannot parse (DL1000) is linted through our heredoc rewrite and may
    # then have no hadolint finding at all; every other file must match.
    unparsed = {item["file"] for item in hl if item["code"] == "DL1000"}
    if ours_hl - unparsed != hl_files - unparsed:
        return 0, (f"hadolint found something in {len(hl_files - unparsed)} parsed files alone, "
                   f"in {len(ours_hl - unparsed)} through our CLI")
    return len(unparsed), None


def copy_corpus(root: Path, index: Path) -> list[Path]:
    """Each Dockerfile the index lists, as ``NNNN/Dockerfile`` under ``root``."""
    out = []
    lines = [x for x in index.read_text(encoding="utf-8").splitlines() if x.strip()]
    for number, line in enumerate(lines):
        target = root / f"{number:04d}" / "Dockerfile"
        target.parent.mkdir()
        target.write_bytes(Path(json.loads(line)["dockerfile"]).read_bytes())
        out.append(target)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--files", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--heredoc-share", type=float, default=HEREDOC_SHARE,
                        help="share of files that use heredocs (default %(default)s)")
    parser.add_argument("--index", type=Path, default=None,
                        help="use the real Dockerfiles a corpus index lists (corpus/build.py "
                             "writes .corpus/index.jsonl) instead of generated ones")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from lint.hadolint import find_binary

    hadolint = find_binary()
    theirs_runs: list[Run] = []
    ours_runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
        root = Path(tmp)
        if args.index is not None:
            files = copy_corpus(root, args.index)
            args.files = len(files)
        else:
            files = generate(root, args.files, args.seed, args.heredoc_share)
        rel = sorted(str(p.relative_to(root)) for p in files)
        ours_cmd = [sys.executable, "-m", "lint", "-f", "json", "--failure-threshold", "none", "."]
        theirs_cmd = [hadolint, "-f", "json", *rel]
        os.environ["PYTHONPATH"] = str(REPO)
        # One warm-up of each (page cache, .pyc files), then interleaved, alternating who goes
        # first, so load from anything else on the machine hits both alike.
        for index in range(args.repeat + 1):
            pair = [("theirs", theirs_cmd), ("ours", ours_cmd)]
            runs = dict((name, measure(cmd, root)) for name, cmd in pair[:: 1 - 2 * (index % 2)])
            unparsed, problem = _check(runs["theirs"], runs["ours"], rel)
            if problem:
                print(f"error: {problem}", file=sys.stderr)
                return 2
            if index:
                theirs_runs.append(runs["theirs"])
                ours_runs.append(runs["ours"])
    mb = 1024 * 1024

    def line(label: str, runs: list[Run]) -> str:
        return (f"{label} median {statistics.median(r.wall for r in runs):5.2f} s wall, "
                f"{statistics.median(r.cpu for r in runs):5.2f} s CPU, peak RSS "
                f"{max(r.peak_rss for r in runs) / mb:4.0f} MB, up to "
                f"{max(r.processes for r in runs)} processes; runs "
                + ", ".join(f"{r.wall:.2f}" for r in runs))

    ratio = (statistics.median(r.wall for r in ours_runs)
             / statistics.median(r.wall for r in theirs_runs))
    peak = max(r.peak_rss for r in ours_runs)
    print(f"machine: {platform.platform()}, nproc {os.cpu_count()}, "
          f"Python {platform.python_version()}, {hadolint}")
    what = (f"{args.files} real Dockerfiles from {args.index}" if args.index is not None else
            f"{args.files} generated Dockerfiles (seed {args.seed}, heredocs in "
            f"{args.heredoc_share:.0%} of files")
    print(f"corpus: {what}; hadolint alone cannot parse {unparsed}), "
          f"{args.repeat} interleaved runs after one warm-up")
    print(line("hadolint -f json FILE... (one process, default RTS):", theirs_runs))
    print(line("python -m lint -f json .  (whole CLI, all rules):   ", ours_runs))
    print(f"ratio ours/hadolint (median wall): {ratio:.2f} (target <= 1.0)")
    print(f"peak RSS of our process tree: {peak / mb:.0f} MB (target <= 250 MB)")
    return 0 if ratio <= 1.0 and peak <= 250 * mb else 1


if __name__ == "__main__":
    sys.exit(main())
