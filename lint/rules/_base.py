"""The rule interface.

A rule is a module with constants and one function::

    CODE = "DC101"            # letters D, L, S, C and digits only (hadolint's pragma grammar)
    NAME = "missing-user"     # kebab-case, stable
    SEVERITY = Severity.WARNING
    MESSAGE = "..."           # str.format template over the Hit's args
    SCOPE = "final"           # "final" (the shipped stage), "all" (every stage), "context", "file"
    TAGS = ("security",)      # SARIF properties.tags
    SECURITY_SEVERITY = "7.5" # for security rules, else None
    PRECISION = "high"        # SARIF properties.precision
    SUPERSEDES = ("DL3064",)  # optional: other tools' codes this rule's finding replaces
    ENABLED = False           # optional: an opt-in rule (docs/precision.md), on when a config
                              # names it under an override level

    def check(dockerfile, context) -> Iterable[Hit]: ...

The module docstring is the documentation (What it does / Why is this bad? / Example /
Use instead). The engine stamps code, severity and the formatted message onto each ``Hit``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from lint.dockerfile import Dockerfile, Stage
from lint.finding import Severity
from lint.rules._shell import Scripts


@dataclass(frozen=True)
class Hit:
    """Where a rule fired, plus what its message needs. ``severity`` adjusts the rule's default
    for this one hit (before ``.hadolint.yaml`` overrides, which always win)."""

    line: int
    end_line: int | None = None
    args: Mapping[str, object] = field(default_factory=dict)
    severity: Severity | None = None
    #: Lines of other instructions the finding is about (SARIF ``relatedLocations``).
    related: tuple[int, ...] = ()


@dataclass(frozen=True)
class RuleContext:
    """What a rule may know besides the Dockerfile. Loaded at the edge; rules do no I/O.

    ``dockerignore`` is the text of the ignore file that applies to the build context (``None``
    when there is none); ``context_files`` the context's files, relative and POSIX, when known.
    ``scripts`` memoises tokenised RUN scripts for one file's analysis (``engine.analyze`` gives
    each analysis a fresh one).
    """

    target: str | None = None
    context_dir: str | None = None
    dockerignore: str | None = None
    dockerignore_name: str | None = None
    context_files: frozenset[str] | None = None
    pin_exempt: tuple[str, ...] = ()
    trusted_registries: tuple[str, ...] = ()
    scripts: Scripts = field(default_factory=Scripts, compare=False, repr=False)


class Code(Protocol):
    """A documented code of ours: the constants every DC module has. Members are read-only
    properties so that a module's plain constants satisfy the protocol."""

    @property
    def CODE(self) -> str: ...
    @property
    def NAME(self) -> str: ...
    @property
    def SEVERITY(self) -> Severity: ...
    @property
    def MESSAGE(self) -> str: ...
    @property
    def SCOPE(self) -> str: ...
    @property
    def TAGS(self) -> tuple[str, ...]: ...
    @property
    def SECURITY_SEVERITY(self) -> str | None: ...
    @property
    def PRECISION(self) -> str: ...


class Rule(Code, Protocol):
    """A rule the engine runs: a ``Code`` with a ``check``. A rule may also declare
    ``SUPERSEDES = ("DL3064",)``: codes of other tools that say the same thing less precisely,
    dropped where the rule reports on the same line (``engine.supersede``)."""

    def check(self, dockerfile: Dockerfile, context: RuleContext) -> Iterable[Hit]: ...


def shipped(dockerfile: Dockerfile, context: RuleContext) -> Stage:
    """The stage that becomes the image (``--target`` or the last)."""
    return dockerfile.shipped_stage(context.target)
