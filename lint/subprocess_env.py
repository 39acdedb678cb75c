"""Environments for the processes the action starts (hadolint, git, docker), built from an
allow-list: a child never inherits ``INPUT_*`` (the action's inputs, the token among them),
``GITHUB_TOKEN`` or any other secret the runner or the workflow put into the environment.

Every child gets ``PATH``, ``HOME``, ``LANG``, ``LC_*`` and ``TMPDIR``; each edge names what
else it needs (docker: ``DOCKER_HOST`` ...), and what it sets on purpose is passed as ``extra``
(never filtered: build-arg values the user asked for travel that way).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

BASE_NAMES = ("PATH", "HOME", "LANG", "TMPDIR")
BASE_PREFIXES = ("LC_",)
#: Never inherited, whatever an edge asks for: the inputs, and names that hold credentials.
_NEVER = re.compile(r"INPUT_.*|GITHUB_TOKEN|ACTIONS_.*|.*(TOKEN|SECRET|PASSWORD).*",
                    re.IGNORECASE)


def allowed(env: Mapping[str, str], names: Iterable[str] = (), prefixes: Iterable[str] = (),
            extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The variables of ``env`` on the allow-list (the base plus ``names`` and ``prefixes``),
    then ``extra``."""
    keep = {*BASE_NAMES, *names}
    starts = (*BASE_PREFIXES, *prefixes)
    out = {name: value for name, value in env.items()
           if (name in keep or name.startswith(starts)) and not _NEVER.fullmatch(name)}
    out.update(extra or {})
    return out


__all__ = ["BASE_NAMES", "BASE_PREFIXES", "allowed"]
