"""DC204 cleanup-in-later-layer: a RUN deletes what an earlier RUN left in its layer.

## What it does
Reports a ``RUN`` that deletes package caches, apt lists, downloaded archives or ``/tmp`` files
that an earlier ``RUN`` of the same stage (or of a stage it inherits from through
``FROM <earlier-stage>``) created and did not delete itself. Paths resolve against ``WORKDIR``,
``cd`` and ARG/ENV values.

* Created: apt lists by ``apt-get update``; caches by ``apk add``/``update`` without
  ``--no-cache``, ``yum``/``dnf install``, ``pip install`` without ``--no-cache-dir`` (or
  ``PIP_NO_CACHE_DIR``), ``npm install``/``ci``, ``yarn install``, ``go build``/``mod``;
  downloads by ``curl -o``/``-O``, ``wget``, ``git clone``, ``pip wheel``/``download``; files in
  ``/tmp`` by redirections, ``cp``/``mv``, ``tar -C``, ``unzip -d``. What lands in a
  ``RUN --mount=type=cache`` or ``tmpfs`` mount is never in a layer and is not counted; files
  that came from ``COPY``/``ADD`` are not this rule's.
* Deleted: ``rm``, ``find … [-name P] -delete`` and the package managers' own clean commands
  (``apk cache clean``, ``yum``/``dnf clean all``, ``pip cache purge``, ``npm``/``yarn cache
  clean``, ``go clean``).

Where it differs from hadolint: DL3009 (and DL3019, DL3032, DL3040, DL3042, DL3060 for other
package managers) reports the RUN that *creates* the files without removing them. DC204 reports
the later RUN whose deletion cannot help: the cleanup is there, but in the wrong layer. The two
findings sit on different lines and ask for different edits; the same fix (delete in the RUN
that creates) quiets both.

## Why is this bad?
Layers only add: a file deleted in a later layer is hidden from the container's view but its
bytes stay in the layer that created it, and every pull downloads them. The cleanup makes the
Dockerfile look tidy while the image stays exactly as large.

## Example
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN curl -fsSL -o /tmp/tool.tar.gz https://example.com/tool.tar.gz \
 && tar -xzf /tmp/tool.tar.gz -C /usr/local/bin
RUN rm -rf /var/lib/apt/lists/* /tmp/tool.tar.gz
```

## Use instead
```dockerfile
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL -o /tmp/tool.tar.gz https://example.com/tool.tar.gz \
 && tar -xzf /tmp/tool.tar.gz -C /usr/local/bin \
 && rm /tmp/tool.tar.gz
```
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterable, Iterator

from lint.dockerfile import Dockerfile, Instruction
from lint.finding import Severity
from lint.rules._base import Hit, RuleContext
from lint.rules._paths import (
    inside,
    mount_targets,
    overlaps,
    parts,
    resolve,
    shell_steps,
    walk_stages,
)
from lint.rules._shell import positionals

CODE = "DC204"
NAME = "cleanup-in-later-layer"
SEVERITY = Severity.WARNING
MESSAGE = (
    "This RUN deletes {path}, which the RUN on line {origin} created: the bytes stay in that "
    "earlier layer, so the image does not shrink; delete it in the RUN that creates it"
)
SCOPE = "all"
TAGS = ("size", "layers")
SECURITY_SEVERITY: str | None = None
PRECISION = "low"  # measured: 35% (docs/precision.md)
#: Opt-in: below the precision gate on the judged corpus (docs/precision.md).
ENABLED = False


def check(dockerfile: Dockerfile, context: RuleContext) -> Iterator[Hit]:
    # Per stage, the paths earlier RUNs of its chain left behind, with the first line that
    # made each, carried over from the parent stage (each instruction read once). Keyed by
    # path: a RUN of 1,000 ``pip install`` makes the same cache 1,000 times, and every deletion
    # is compared with each path once, not once per time it was made.
    for _stage, present, steps in walk_stages(dockerfile, _Present, _Present.copy):
        for ins, cwd in steps:
            if ins.keyword != "RUN":
                continue
            mounts, new, hit = mount_targets(ins, cwd), dict[str, None](), None
            for words, here in shell_steps(dockerfile, ins, cwd, context.scripts):
                created, deleted = effects(words, here)
                if created is _PIP and _pip_cache_off(dockerfile, ins):
                    created = []
                for gone in deleted:
                    origin = present.origin(gone)
                    if origin is not None and hit is None:
                        hit = Hit(ins.line, ins.end_line, args={"path": gone, "origin": origin},
                                  related=(origin,))
                    present.delete_inside(gone)
                    new = {p: None for p in new if not inside(p, gone)}
                new.update((p, None) for p in created if p not in new
                           and not any(inside(p, m) for m in mounts))
            for p in new:
                present.add(p, ins.line)
            if hit:
                yield hit


_GLOB = re.compile(r"[*?[]")


def _key(path: str) -> tuple[str, ...]:
    return tuple(parts(path))


class _Present:
    """The paths earlier RUNs left behind, each with the first line that made it, in the order
    they were made. Literal paths are also indexed by every prefix of their components, so a
    literal deletion finds the paths it overlaps without a scan; paths and deletions with glob
    characters are compared one by one (``overlaps``/``inside``), as the rule always did."""

    def __init__(self) -> None:
        self.lines: dict[str, int] = {}  # path -> first line, in the order made
        self.rank: dict[str, int] = {}  # path -> when it was made (the first match wins)
        self.made = 0
        self.under: dict[tuple[str, ...], dict[str, None]] = {}  # prefix -> literal paths
        self.at: dict[tuple[str, ...], dict[str, None]] = {}  # components -> literal paths
        self.globs: dict[str, None] = {}

    def copy(self) -> _Present:
        new = _Present()
        new.lines, new.rank, new.made = dict(self.lines), dict(self.rank), self.made
        new.under = {k: dict(v) for k, v in self.under.items()}
        new.at = {k: dict(v) for k, v in self.at.items()}
        new.globs = dict(self.globs)
        return new

    def add(self, path: str, line: int) -> None:
        if path in self.lines:
            return
        self.lines[path] = line
        self.rank[path] = self.made
        self.made += 1
        if _GLOB.search(path):
            self.globs[path] = None
            return
        key = _key(path)
        self.at.setdefault(key, {})[path] = None
        for k in range(len(key) + 1):
            self.under.setdefault(key[:k], {})[path] = None

    def _drop(self, path: str) -> None:
        del self.lines[path], self.rank[path]
        if path in self.globs:
            del self.globs[path]
            return
        key = _key(path)
        del self.at[key][path]
        for k in range(len(key) + 1):
            del self.under[key[:k]][path]

    def origin(self, gone: str) -> int | None:
        """The line that made the first path ``gone`` overlaps, or ``None``."""
        found: Iterable[str]
        if _GLOB.search(gone):
            found = (p for p in self.lines if overlaps(gone, p))
        else:
            key = _key(gone)
            found = itertools.chain(
                (p for k in range(len(key)) for p in self.at.get(key[:k], {})),  # above gone
                self.under.get(key, {}),  # gone and below
                (p for p in self.globs if overlaps(gone, p)))
        first = min(found, key=self.rank.__getitem__, default=None)
        return None if first is None else self.lines[first]

    def delete_inside(self, gone: str) -> None:
        """Forget every path inside ``gone``."""
        if _GLOB.search(gone):
            doomed = [p for p in self.lines if inside(p, gone)]
        else:
            doomed = list(self.under.get(_key(gone), {}))
            doomed += [p for p in self.globs if inside(p, gone)]
        for p in doomed:
            self._drop(p)


_APT_LISTS = ["/var/lib/apt/lists/*"]
_APK = ["/var/cache/apk/*"]
_RPM = ["/var/cache/yum/*", "/var/cache/dnf/*"]
_PIP = ["~/.cache/pip/*"]
_NPM = ["~/.npm/*"]
_YARN = ["~/.cache/yarn/*", "/usr/local/share/.cache/yarn/*"]
_GO = ["~/.cache/go-build/*", "/go/pkg/mod/*"]
_TMP = ("/tmp", "/var/tmp")  # noqa: S108 - paths inside the image, not ours
_RPM_VERBS = frozenset({"install", "update", "upgrade", "makecache", "groupinstall", "reinstall"})
_BUILD_VERBS = {
    "npm": frozenset({"install", "ci", "i", "add"}),
    "yarn": frozenset({"", "install", "add"}),
    "go": frozenset({"build", "install", "get", "mod", "test"}),
}


def effects(words: list[str], cwd: str) -> tuple[list[str], list[str]]:
    """(paths created, paths deleted) by one simple command, as absolute paths or globs."""
    tool, rest = posixpath.basename(words[0]), words[1:]
    verb = next((w for w in rest if not w.startswith("-")), "")
    if tool in ("python", "python3") and rest[:2] == ["-m", "pip"]:
        tool, rest, verb = "pip", rest[2:], next((w for w in rest[2:] if w[:1] != "-"), "")
    if tool == "rm":
        return [], [resolve(p, cwd) for p in positionals(words)]
    if tool == "find" and ("-delete" in rest or "rm" in rest):
        return [], _found(rest, cwd)
    if tool in ("apt-get", "apt") and verb == "update":
        return _APT_LISTS, []
    if tool == "apk":
        if verb == "cache" and {"clean", "purge"} & set(rest):
            return [], _APK
        return (_APK if verb in ("add", "update") and "--no-cache" not in rest else []), []
    if tool in ("yum", "dnf", "microdnf", "tdnf"):
        if verb == "clean":
            return [], _RPM
        return (_RPM if verb in _RPM_VERBS else []), []
    if tool in ("pip", "pip3"):
        if verb == "cache":
            return [], _PIP
        if verb in ("wheel", "download"):
            return _downloads("pip", ["pip", *rest], cwd), []
        return (_PIP if verb == "install" and not {"--no-cache-dir", "--no-cache"} & set(rest)
                else []), []
    if tool in _BUILD_VERBS:
        caches = {"npm": _NPM, "yarn": _YARN, "go": _GO}[tool]
        if verb in ("cache", "clean"):
            return [], caches
        return (caches if verb in _BUILD_VERBS[tool] else []), []
    return _downloads(tool, words, cwd), []


def _downloads(tool: str, words: list[str], cwd: str) -> list[str]:
    """Files written by curl/wget/git clone/pip wheel anywhere, and by other commands into
    /tmp."""
    urls = [w for w in words[1:] if w.startswith(("http://", "https://", "ftp://"))]
    name = posixpath.basename(urls[0].split("?")[0].rstrip("/")) if urls else ""
    out: list[str] = []
    for i, word in enumerate(words[1:], start=1):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if (tool, word) in (("curl", "-o"), ("curl", "--output"), ("wget", "-O")):
            out.append(nxt)
        elif tool == "wget" and word.startswith("-") and not word.startswith("--") and "O" in word:
            out.append(word.split("O", 1)[1] or nxt)
        elif tool == "wget" and word in ("-P", "--directory-prefix") and name:
            out.append(posixpath.join(nxt, name))
        elif tool == "curl" and (word in ("-O", "--remote-name") or _short(word, "O")) and name:
            out.append(name)
        elif tool == "curl" and _short(word, "o"):
            out.append(nxt)
        elif word.startswith(("--output-document=", "--output=")) and tool in ("wget", "curl"):
            out.append(word.split("=", 1)[1])
        elif word in (">", ">>"):
            out.append(nxt)
        elif word.startswith(">") and word not in (">&",):
            out.append(word.lstrip(">"))
    if tool == "wget" and not out and name:
        out.append(name)
    if tool == "git" and "clone" in words and urls:
        after = words[words.index(urls[0]) + 1 :]
        out.append(after[0] if after and after[0][:1] != "-" else posixpath.splitext(name)[0])
    if tool in ("cp", "mv") and len(args := positionals(words)) >= 2:
        out.append(args[-1])
    out += [d + "/*" for d in _dirs(tool, words)]
    paths = [resolve(p, cwd) for p in out if p and p != "-" and not p.startswith(("/dev/", "&"))]
    downloader = tool in ("curl", "wget", "git", "pip")
    return [p for p in paths if downloader or any(inside(p, t) for t in _TMP)]


def _pip_cache_off(dockerfile: Dockerfile, ins: Instruction) -> bool:
    """``ENV PIP_NO_CACHE_DIR=…`` (any value) stops pip from writing its cache."""
    env = dockerfile.scope(dockerfile.stages[ins.stage], ins.line)
    return bool(env.get("PIP_NO_CACHE_DIR"))


def _short(word: str, letter: str) -> bool:
    """A cluster of short options ending in ``letter`` (``-fsSLo``)."""
    return word.startswith("-") and not word.startswith("--") and word.endswith(letter)


def _found(rest: list[str], cwd: str) -> list[str]:
    """What ``find ROOT… [-name PATTERN] -delete`` removes."""
    end = next((i for i, w in enumerate(rest) if w.startswith(("-", "!", "("))), len(rest))
    name = rest[rest.index("-name") + 1] if "-name" in rest[:-1] else None
    return [resolve(r, cwd) + (f"/{name}" if name else "") for r in rest[:end]]


def _dirs(tool: str, words: list[str]) -> list[str]:
    """Directories an extract or a pip wheel/download fills."""
    flag = {"tar": ("-C", "--directory"), "unzip": ("-d",),
            "pip": ("-w", "--wheel-dir", "-d", "--dest")}.get(tool, ())
    return [words[i + 1] for i, w in enumerate(words[:-1]) if w in flag]
