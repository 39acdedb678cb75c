"""Benchmark: the whole lint CLI against hadolint alone, on a corpus generated at run time.

    python3 bench/lint.py [--files 240] [--repeat 3] [--seed 7]

Generates varied Dockerfiles (multi-stage, heredocs, long RUN chains, apt/apk/dnf/pip/npm/gem/
go/cargo/composer) into a temporary directory, then measures side by side, interleaved:

* ``hadolint -f json FILE...``: one process, hadolint's default runtime flags;
* ``python -m lint -f json DIR``: our whole CLI (discovery, parse, every DC rule, hadolint in
  batches, config, fingerprints, JSON), with the peak RSS of its whole process tree (the sum
  of every descendant's RSS, sampled from /proc every 5 ms).

Prints the median wall times, their ratio (target <= 1.0) and the median peak RSS (target
<= 250 MB). ``generate`` is also used by ``tests/test_hadolint.py``.
"""

from __future__ import annotations

import argparse
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

REPO = Path(__file__).resolve().parent.parent

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


def dockerfile(rng: random.Random, index: int) -> str:
    """One generated Dockerfile."""
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
            if rng.random() < 0.25:
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


def generate(directory: Path, count: int = 240, seed: int = 7) -> list[Path]:
    """Write ``count`` Dockerfiles under ``directory`` (one project directory each)."""
    rng = random.Random(seed)
    names = ["Dockerfile", "Dockerfile.dev", "app.Dockerfile", "Containerfile", "Dockerfile.prod"]
    out = []
    for index in range(count):
        project = directory / f"svc{index:03d}"
        project.mkdir(parents=True, exist_ok=True)
        path = project / names[index % len(names)]
        path.write_text(dockerfile(rng, index), encoding="utf-8")
        out.append(path)
    return out


def _tree_rss(root: int) -> int:
    """Sum of VmRSS (bytes) over ``root`` and all its descendants."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        parents[int(entry)] = int(fields[1])
    tree = {root}
    changed = True
    while changed:
        changed = False
        for pid, ppid in parents.items():
            if ppid in tree and pid not in tree:
                tree.add(pid)
                changed = True
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            continue
    return total


def measure(command: list[str], cwd: Path) -> tuple[float, int, int]:
    """Wall seconds, peak tree RSS (bytes) and exit code of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    peak = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.005)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    code = proc.wait()
    elapsed = time.perf_counter() - start
    done.set()
    thread.join()
    return elapsed, peak, code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from lint.hadolint import find_binary

    hadolint = find_binary()
    with tempfile.TemporaryDirectory(prefix="bench-lint-") as tmp:
        root = Path(tmp)
        files = generate(root, args.files, args.seed)
        rel = [str(p.relative_to(root)) for p in files]
        env_py = [sys.executable, "-m", "lint", "-f", "json", "--failure-threshold", "none", "."]
        ours_cmd = env_py
        theirs_cmd = [hadolint, "-f", "json", *rel]
        os.environ["PYTHONPATH"] = str(REPO)
        ours_t: list[float] = []
        ours_rss: list[int] = []
        theirs_t: list[float] = []
        theirs_rss: list[int] = []
        for _ in range(args.repeat):
            t, rss, code = measure(theirs_cmd, root)
            theirs_t.append(t)
            theirs_rss.append(rss)
            t, rss, code = measure(ours_cmd, root)
            if code != 0:
                print(f"our CLI exited {code}", file=sys.stderr)
                return 2
            ours_t.append(t)
            ours_rss.append(rss)
    ratio = statistics.median(ours_t) / statistics.median(theirs_t)
    mb = 1024 * 1024
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}")
    print(f"corpus: {args.files} generated Dockerfiles (seed {args.seed}), {args.repeat} runs")
    print(f"hadolint -f json (one process, default RTS): median {statistics.median(theirs_t):.2f} s"
          f"  runs {', '.join(f'{t:.2f}' for t in theirs_t)}"
          f"  peak RSS {statistics.median(theirs_rss) / mb:.0f} MB")
    print(f"python -m lint -f json (whole CLI):           median {statistics.median(ours_t):.2f} s"
          f"  runs {', '.join(f'{t:.2f}' for t in ours_t)}")
    print(f"ratio ours/hadolint: {ratio:.2f} (target <= 1.0)")
    print(f"peak RSS of our process tree: median {statistics.median(ours_rss) / mb:.0f} MB, "
          f"max {max(ours_rss) / mb:.0f} MB (target <= 250 MB)")
    return 0 if ratio <= 1.0 and max(ours_rss) <= 250 * mb else 1


if __name__ == "__main__":
    sys.exit(main())
