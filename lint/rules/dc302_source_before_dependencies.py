"""DC302 source-before-dependencies: source is copied before dependencies are installed.

## What it does
In each stage, reports a ``COPY``/``ADD`` of the whole context or of source directories that
comes before the stage's first dependency install: ``pip install -r``, ``pip install .``,
``poetry install``, ``pipenv install``, ``uv sync``, ``npm ci``/``npm install``, ``yarn install``,
``pnpm install``, ``go mod download``, ``bundle install``, ``composer install``,
``cargo fetch``/``cargo build``. Copying only manifests first (``requirements.txt``,
``package.json``, ``go.mod`` …) is the cache-friendly order and is not reported; neither is an
install without dependencies (``pip install --no-deps .``) after the source copy.

## Why is this bad?
Docker reuses a layer only while every earlier layer is unchanged. With the source copied first,
every edit to any source file throws away the dependency layer and reinstalls everything: slow
builds and CI minutes spent downloading the same packages again.

## Example
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
```

## Use instead
```dockerfile
FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN pip install --no-cache-dir --no-deps .
```
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping

from lint.dockerfile import Dockerfile, Instruction, expand
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext

CODE = "DC302"
NAME = "source-before-dependencies"
SEVERITY = Severity.WARNING
MESSAGE = (
    "{keyword} {source} (line {line}) comes before the dependency install on line {install}: "
    "every source change reinstalls all dependencies; copy the dependency manifests first, "
    "install, then copy the source"
)
SCOPE = "all"
TAGS = ("performance", "cache")
SECURITY_SEVERITY: str | None = None
PRECISION = "low"  # measured: 56% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False

MANIFESTS = re.compile(
    r"(^|/)(requirements[^/]*\.(txt|in)|constraints[^/]*\.txt|pyproject\.toml|poetry\.lock|"
    r"Pipfile(\.lock)?|uv\.lock|setup\.(py|cfg)|package(-lock)?\.json|npm-shrinkwrap\.json|"
    r"yarn\.lock|\.yarnrc(\.yml)?|pnpm-lock\.yaml|pnpm-workspace\.yaml|\.npmrc|go\.(mod|sum)|"
    r"Gemfile(\.lock)?|[^/]*\.gemspec|composer\.(json|lock)|Cargo\.(toml|lock)|[^/]*\.csproj|"
    r"packages\.lock\.json|pom\.xml|build\.gradle(\.kts)?|mix\.(exs|lock))$"
)
_WHOLE = frozenset({".", "./", "*", "./*"})


def dependency_install(words: list[str]) -> bool:
    tool, args = words[0].rsplit("/", 1)[-1], words[1:]
    if tool.startswith("python") and args[:2] == ["-m", "pip"]:
        tool, args = "pip", args[2:]
    first = args[0] if args else ""
    if tool in ("pip", "pip3") and first == "install":
        if "--no-deps" in args:
            return False
        return "-r" in args or "--requirement" in args or "." in args or "-e" in args
    if tool in ("npm", "pnpm") and first in ("ci", "install", "i"):
        return not [a for a in args[1:] if not a.startswith("-")]
    if tool == "yarn":
        return not args or first == "install"
    if tool == "go":
        return args[:2] == ["mod", "download"]
    return (tool, first) in {
        ("poetry", "install"), ("pipenv", "install"), ("pipenv", "sync"), ("uv", "sync"),
        ("bundle", "install"), ("composer", "install"), ("cargo", "fetch"), ("cargo", "build"),
        ("dotnet", "restore"), ("mvn", "dependency:go-offline"),
    }


def source_copied(
    ins: Instruction, context: RuleContext, expand: Callable[[str], str]
) -> str | None:
    """The first source (not a manifest) this COPY/ADD brings in from the context."""
    if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None:
        return None
    for src in map(expand, ins.args[:-1]):
        if "://" in src or src.startswith("git@"):
            continue
        if src in _WHOLE:
            return src
        if not MANIFESTS.search(src.rstrip("/")) and _is_dir(src, context):
            return src
    return None


def _is_dir(src: str, context: RuleContext) -> bool:
    name = src.removeprefix("./").rstrip("/")
    files = context.context_files
    if files is not None and name:
        if name in files:
            return False
        if any(f.startswith(name + "/") for f in files):
            return True
    return src.endswith("/") or "." not in name.rsplit("/", 1)[-1]


def _expand_in(env: Mapping[str, str], text: str) -> str:
    return expand(text, env)


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    for stage in dockerfile.stages:
        copied: tuple[Instruction, str] | None = None
        for ins in stage.body:
            if copied is None:
                env = dockerfile.scope(stage, ins.line)
                source = source_copied(ins, context, functools.partial(_expand_in, env))
                if source is not None:
                    copied = (ins, source)
                    continue
            if ins.keyword == "RUN" and any(
                    dependency_install(w) for w in context.scripts.run_commands(ins)):
                if copied is not None:
                    cp, source = copied
                    yield Hit(cp.line, cp.end_line, args={
                        "keyword": cp.keyword, "source": source, "line": cp.line,
                        "install": ins.line}, related=(ins.line,))
                break
