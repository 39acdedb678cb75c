"""DC304 dockerignore-missing: no .dockerignore, or one that lets the usual suspects in.

## What it does
Checks the build context (the Dockerfile's directory unless ``--context`` or the image
configuration says otherwise). Reports, on line 1, a context without an ignore file (a
``<Dockerfile>.dockerignore`` next to the Dockerfile counts, as in BuildKit), or whose patterns,
evaluated the way BuildKit evaluates them, do not exclude ``.git`` (when the context has one) and,
for Python contexts, ``__pycache__`` directories at any depth, virtualenv directories (``.venv``,
``venv`` and any directory holding a ``pyvenv.cfg``) and ``.env``. The message lists what is
missing. Note that ``__pycache__`` in a ``.dockerignore`` only matches at the context root, as
BuildKit reads it: ``**/__pycache__`` covers every directory.

## Why is this bad?
Whatever is not excluded is sent to the builder on every build and lands in the image with any
``COPY .``: the repository history, local secrets in ``.env``, a virtualenv built for another
platform, stale bytecode. It slows builds, bloats images and leaks secrets.

## Example
```dockerfile
FROM python:3.12-slim
COPY . /app
CMD ["python", "-m", "app"]
```

## Use instead
A ``.dockerignore`` next to the Dockerfile (shown here as ``# .dockerignore:`` lines):
```dockerfile
# .dockerignore: .git
# .dockerignore: **/__pycache__
# .dockerignore: .venv
# .dockerignore: venv
# .dockerignore: .env
FROM python:3.12-slim
COPY . /app
CMD ["python", "-m", "app"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from lint.dockerfile import Dockerfile
from lint.dockerignore import excluded, parse
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext, shipped
from lint.rules._kind import ships
from lint.rules._stacks import is_python

CODE = "DC304"
NAME = "dockerignore-missing"
SEVERITY = Severity.WARNING
MESSAGE = "{problem}"
SCOPE = "context"
TAGS = ("security", "size", "context")
SECURITY_SEVERITY: str | None = "3.0"
PRECISION = "low"  # measured: 51% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False

def _python_context(dockerfile: Dockerfile, context: RuleContext) -> bool:
    """A Python image (a stray ``.py`` file in a Go or Rust repository makes none)."""
    return is_python(dockerfile, shipped(dockerfile, context), context.scripts)


def probes(dockerfile: Dockerfile, context: RuleContext) -> dict[str, tuple[str, ...]]:
    """What must be excluded -> sample paths that must all be excluded."""
    files = context.context_files
    out: dict[str, tuple[str, ...]] = {}
    if files is None or ".git" in files:
        out[".git"] = (".git/HEAD", ".git/config")
    if _python_context(dockerfile, context):
        out["**/__pycache__"] = ("__pycache__/m.pyc", "pkg/__pycache__/m.cpython-312.pyc")
        venvs = {".venv", "venv"} | {
            f.rstrip("/") for f in (files or ()) if f.endswith("/")
            and f.rstrip("/").rsplit("/", 1)[-1] not in ("node_modules", "__pycache__")
        }
        for venv in sorted(venvs):
            out[venv] = (f"{venv}/pyvenv.cfg", f"{venv}/bin/python")
        out[".env"] = (".env",)
    return out


def _folders(files: frozenset[str] | None) -> frozenset[str]:
    """Every folder of the context listing, once: ``a`` and ``a/b`` for the file ``a/b/c.py``,
    and ``d`` for the listed folder ``d/`` (a folder the listing does not descend into)."""
    out: set[str] = set()
    for f in files or ():
        parts = f.split("/")  # "d/" splits into "d", ""
        out.update("/".join(parts[:n]) for n in range(1, len(parts)))
    return frozenset(out)


def _directory(source: str, folders: frozenset[str]) -> bool:
    """Is ``source`` the whole context or a directory of it (a trailing ``/``, or a folder
    the context listing shows)?"""
    clean = source.strip().removeprefix("./")
    if clean.rstrip("/") in ("", ".", "*") or source.endswith("/"):
        return True
    return clean.rstrip("/") in folders


def copies_broadly(dockerfile: Dockerfile, context: RuleContext) -> bool:
    """Does any stage copy (or bind-mount) the whole build context or a directory of it?
    Only then can an ignore file change what reaches the image: BuildKit sends the builder
    only the paths that COPY/ADD name, so named files need no .dockerignore."""
    folders: frozenset[str] | None = None  # read once, only when a COPY needs it
    for ins in dockerfile.instructions:
        if ins.keyword in ("COPY", "ADD") and ins.flag("from") is None:
            folders = _folders(context.context_files) if folders is None else folders
            if any(_directory(src, folders) for src in ins.args[:-1]
                   if not src.startswith("<<") and "://" not in src):
                return True
        if ins.keyword == "RUN":
            for spec in ins.flag_all("mount"):
                fields = dict(f.partition("=")[::2] for f in spec.split(","))
                if fields.get("type", "bind") == "bind" and "from" not in fields and \
                        fields.get("source", fields.get("src", ".")) in (".", "./", ""):
                    return True
    return False


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    if not copies_broadly(dockerfile, context) or not ships(dockerfile,
                                                         shipped(dockerfile, context)):
        return
    if context.dockerignore is None:
        yield Hit(1, args={"problem": "The build context has no .dockerignore: everything in it "
                           "is sent to the builder and can be copied into the image; add one "
                           "that excludes .git and local build output"})
        return
    patterns = parse(context.dockerignore)
    missing = [
        name for name, paths in probes(dockerfile, context).items()
        if not all(excluded(p, patterns) for p in paths)
    ]
    if missing:
        yield Hit(1, args={"problem": f"{context.dockerignore_name or '.dockerignore'} does not "
                           f"exclude {', '.join(missing)}: add {', '.join(missing)} to it"})
