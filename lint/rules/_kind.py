"""What kind of image a Dockerfile builds, as far as its path and its shipped stage tell.

Rules about what ships (a root user, build tools left in, a full base, Python env vars, SSH, a
missing HEALTHCHECK) are right for an image that ships and runs a workload, and wrong for
images that never ship or whose purpose is what the rule objects to: judged on real files
(docs/precision.md), most of their false positives were of these kinds:

* ``devcontainer``: a development container (``.devcontainer/``, ``dev.Dockerfile``,
  ``Dockerfile.dev``, a shipped stage named ``dev``);
* ``ci``: a CI, test, lint or docs image, or a test fixture (under ``ci/``, ``.github/``,
  ``test/``, ``testdata/`` ..., or named so);
* ``artifact``: a ``FROM scratch`` stage with no command: it only carries files out of a build;
* ``interactive``: its command is a shell, a REPL or a build tool (``CMD ["bash"]``,
  ``CMD ["mvn"]``), maybe behind an entrypoint wrapper: a toolbox, SDK or toolchain image;
* ``base``: no command, entrypoint or port anywhere in the file and no code copied in from the
  build context: an image others build on (a language or toolchain image, a project's own
  base), whose command is its parent's;
* ``service``: anything else, an image that ships and runs something.

The path is the Dockerfile's path as linted (repository-relative in the action).
"""

from __future__ import annotations

import re
import shlex
from pathlib import PurePosixPath

from lint.dockerfile import Dockerfile, Stage
from lint.rules._imageref import parse_ref

_NOT_SHIPPED_DIRS = {
    ".devcontainer": "devcontainer", "devcontainer": "devcontainer",
    ".devcontainers": "devcontainer", "devcontainers": "devcontainer",
    ".ci": "ci", "ci": "ci", ".circleci": "ci", ".github": "ci", ".gitlab": "ci",
    ".buildkite": "ci", "test": "ci", "tests": "ci", "testdata": "ci", "test-data": "ci",
    "testing": "ci", "e2e": "ci", "fixtures": "ci", "__fixtures__": "ci",
    "integration-tests": "ci", "test-fixtures": "ci",
}
_NOT_SHIPPED_WORDS = {
    "dev": "devcontainer", "devel": "devcontainer", "develop": "devcontainer",
    "development": "devcontainer", "devcontainer": "devcontainer", "debug": "devcontainer",
    "test": "ci", "tests": "ci", "testing": "ci", "ci": "ci", "lint": "ci", "docs": "ci",
    "e2e": "ci", "builder": "ci", "build": "ci", "buildenv": "ci",
}
_SPLIT = re.compile(r"[._-]+")
_SHELLS = frozenset({
    "bash", "sh", "zsh", "ash", "fish", "dash", "pwsh", "powershell", "powershell.exe",
    "cmd", "cmd.exe", "jshell", "python", "python2", "python3", "node", "irb", "ghci", "iex",
    "erl", "julia", "r", "swift", "scala", "groovysh", "lua", "php", "perl", "ruby",
    "clojure", "sbcl", "ocaml", "deno", "bun",
})
#: Build tools as the whole command: an SDK or toolchain image (``CMD ["mvn"]``).
_TOOLS = frozenset({"mvn", "gradle", "cargo", "rustc", "go", "gcc", "g++", "make", "cmake",
                    "javac", "sbt", "lein", "mix", "composer", "gem", "pip", "pip3", "conda",
                    "mamba", "bazel", "dotnet", "kotlinc", "zig", "nim", "crystal", "stack"})
_WRAPPER = re.compile(r"entrypoint|^tini|^dumb-init|^catatonit|\.sh$")
_WINDOWS = re.compile(r"(^|/)(windows|windowsservercore|servercore|nanoserver)"
                      r"|mcr\.microsoft\.com/windows|:.*(ltsc|nanoserver|servercore|1809|20h2)",
                      re.IGNORECASE)


def _named(path: str) -> str | None:
    p = PurePosixPath(path.lower())
    for part in p.parts[:-1]:
        if part in _NOT_SHIPPED_DIRS:
            return _NOT_SHIPPED_DIRS[part]
    words = [w for w in _SPLIT.split(p.name) if w not in ("dockerfile", "containerfile")]
    for word in words:
        if word in _NOT_SHIPPED_WORDS:
            return _NOT_SHIPPED_WORDS[word]
    return None


def _command(dockerfile: Dockerfile, stage: Stage) -> list[str] | None:
    """The effective ENTRYPOINT + CMD words of the shipped chain (``None``: neither set)."""
    last: dict[str, list[str]] = {}
    for ins in dockerfile.chain_instructions(stage):
        if ins.keyword in ("CMD", "ENTRYPOINT"):
            if ins.json_form:
                last[ins.keyword] = list(ins.args)
            else:
                try:
                    last[ins.keyword] = shlex.split(ins.text)
                except ValueError:
                    last[ins.keyword] = ins.text.split()
    if not last:
        return None
    return last.get("ENTRYPOINT", []) + last.get("CMD", [])


def kind(dockerfile: Dockerfile, stage: Stage) -> str:
    """``service``, or why the image does not ship a workload (see the module docs)."""
    named = _named(dockerfile.path)
    if named is not None:
        return named
    if stage.name and stage.name.lower() in _NOT_SHIPPED_WORDS:
        return _NOT_SHIPPED_WORDS[stage.name.lower()]
    command = _command(dockerfile, stage)
    root = dockerfile.chain(stage)[0]
    if command is None:
        if root.base.lower() == "scratch":
            return "artifact"
        # An image that brings no code of its own from the build context (its content is
        # downloaded or installed) and has no command or port is a base others build on.
        brings_code = any(
            i.keyword in ("COPY", "ADD") and i.flag("from") is None
            and any("://" not in a and not a.startswith("<<") for a in i.args[:-1])
            for i in dockerfile.chain_instructions(stage))
        if not brings_code and not any(i.keyword == "EXPOSE" for i in dockerfile.instructions):
            return "base"
        return "service"
    words = [w for w in command if w not in ("-c", "-l", "-i", "--login")]
    # An entrypoint wrapper (``docker-entrypoint.sh``, tini) in front of a shell is a shell.
    while len(words) > 1 and _WRAPPER.search(PurePosixPath(words[0]).name.lower()):
        words = [w for w in words[1:] if w != "--"]
    if len(words) == 1 and PurePosixPath(words[0]).name.lower() in _SHELLS | _TOOLS:
        return "interactive"
    return "service"


def ships(dockerfile: Dockerfile, stage: Stage) -> bool:
    """Does the Dockerfile build an image that ships and runs a workload?"""
    return kind(dockerfile, stage) == "service"


def is_windows(dockerfile: Dockerfile, stage: Stage) -> bool:
    """A Windows container image (a Windows base, or the ``escape=`` directive set to a
    backtick, which Windows Dockerfiles use)."""
    if dockerfile.directives.get("escape") == "`":
        return True
    root = dockerfile.chain(stage)[0]
    return bool(_WINDOWS.search(parse_ref(root.base).path + ":" + (parse_ref(root.base).tag
                                                                   or "")))


__all__ = ["is_windows", "kind", "ships"]
