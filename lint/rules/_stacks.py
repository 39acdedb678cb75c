"""What a stage is: which language stack, whether it runs a network service."""

from __future__ import annotations

import re

from lint.dockerfile import Dockerfile, Stage
from lint.rules._imageref import parse_ref
from lint.rules._shell import Scripts

_PY_IMAGES = re.compile(r"^(python|pypy)$|^python\d|^distroless/python|/python\d?$")
_PY_WORDS = re.compile(
    r"(^|[\s/;&|\"'])(python[0-9.]*|pip[0-9.]*|uv|poetry|pipenv|gunicorn|uvicorn)(\s|$|[\"';])"
)

#: Commands that start a network server (matched on CMD/ENTRYPOINT words).
SERVERS = re.compile(
    r"(^|[\s/\"'])(uvicorn|gunicorn|hypercorn|daphne|granian|waitress-serve|flask\s+run|"
    r"fastapi\s+(run|dev)|litestar\s+run|"
    r"manage\.py\s+runserver|django-admin\s+runserver|nginx|httpd|apache2|caddy|traefik|"
    r"node\s+[^-\s]\S*|(npm|pnpm|bun)\s+(run\s+)?start|yarn\s+start|next\s+start|"
    r"deno\s+serve|java\s+(.*\s)?-jar|puma|unicorn|"
    r"rails\s+(s|server)|php-fpm|php\s+-S|streamlit\s+run|dotnet\s+\S+\.dll|envoy|haproxy|"
    r"redis-server|postgres|mysqld|mongod|http\.server)(\s|$|[\"'])"
)


def is_python(dockerfile: Dockerfile, stage: Stage, scripts: Scripts) -> bool:
    """A Python image: a python base, or pip/python used in RUN/CMD/ENTRYPOINT of its chain
    (not Python that only an ``apk add --virtual`` build group installs)."""
    for st in dockerfile.chain(stage):
        if st.parent is None and _PY_IMAGES.search(parse_ref(st.base).path):
            return True
    for ins in dockerfile.chain_instructions(stage):
        if ins.keyword in ("CMD", "ENTRYPOINT") and _PY_WORDS.search(ins.script):
            return True
        if ins.keyword == "RUN" and any(
            _PY_WORDS.search(" ".join(words)) for words in scripts.run_commands(ins)
            if not _build_group(words)
        ):
            return True
    return False


def _build_group(words: list[str]) -> bool:
    """``apk add --virtual .build-deps … python3``: Python only to build something else (a
    node-gyp addon), in a group meant to be deleted."""
    return words[0].rsplit("/", 1)[-1] == "apk" and bool({"--virtual", "-t"} & set(words))


def starts_server(dockerfile: Dockerfile, stage: Stage) -> bool:
    """Does the effective ENTRYPOINT + CMD of the chain start a known server?"""
    last = {"ENTRYPOINT": "", "CMD": ""}
    for ins in dockerfile.chain_instructions(stage):
        if ins.keyword in last:
            last[ins.keyword] = ins.text
    return bool(SERVERS.search(f"{last['ENTRYPOINT']} {last['CMD']}"))
