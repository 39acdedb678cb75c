"""DC101-DC104 and DC201-DC204 beyond their fixtures (tests/test_rule_fixtures.py runs those):
targets, messages, redaction, DL3064 giving way to DC102, severities and the shell reader."""

from __future__ import annotations

import pytest

from lint.config import Config
from lint.dockerfile import parse
from lint.engine import analyze, apply_config, supersede
from lint.finding import Finding, Severity
from lint.rules import RuleContext
from lint.rules import rule as rule_of


def _run(code: str, text: str, target: str | None = None) -> list[tuple[int, str]]:
    dockerfile = parse("Dockerfile", text)
    hits = analyze(dockerfile, RuleContext(target=target), [rule_of(code)])
    return [(f.line, f.message) for f in hits]


def test_final_rules_follow_target() -> None:
    text = ("FROM python:3.12 AS ops\nEXPOSE 22\nCMD [\"app\"]\n\n"
            "FROM python:3.12-slim AS prod\nUSER 10001\n")
    assert _run("DC101", text, target="ops") == [
        (1, "The shipped stage never sets USER, so the container runs as root: add USER with a "
            "non-root UID")
    ]
    assert [line for line, _ in _run("DC103", text, target="ops")] == [2]
    assert [line for line, _ in _run("DC201", text, target="ops")] == [1]
    for code in ("DC101", "DC103", "DC201"):
        assert _run(code, text) == []


def test_dc102_message_redacts_the_value() -> None:
    token = "ghp_Zq8wN3vB7xK2mL5pR9tY4uI1oA6sD0fG3hJ8"
    found = _run("DC102", f"FROM alpine:3.20\nENV REGISTRY_LOGIN={token}\n")
    assert found == [
        (2, "ENV REGISTRY_LOGIN puts a GitHub token (ghp_…) into the image, where anyone who "
            "can pull it can read it: pass it with RUN --mount=type=secret and rotate it")
    ]
    assert token[4:] not in found[0][1]
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9"
    assert "(eyJh…)" in _run("DC102", f"FROM alpine:3.20\nARG SESSION={jwt}\n")[0][1]


def test_dl3064_gives_way_to_dc102_on_the_same_line_only() -> None:
    text = (
        "FROM alpine:3.20\n"
        "ENV GITHUB_TOKEN=ghp_Zq8wN3vB7xK2mL5pR9tY4uI1oA6sD0fG3hJ8\n"
        "ARG DB_PASSWORD\n"
        "# hadolint ignore=DC102\n"
        "ENV NPM_TOKEN=ghp_Zq8wN3vB7xK2mL5pR9tY4uI1oA6sD0fG3hJ8\n"
    )
    dockerfile = parse("Dockerfile", text)
    ours = analyze(dockerfile, RuleContext(), [rule_of("DC102")])
    theirs = [
        Finding("Dockerfile", line, "DL3064", Severity.WARNING, "Potentially sensitive", "hadolint")
        for line in (2, 3, 5)
    ]
    kept = supersede(apply_config(ours + theirs, Config(), {"Dockerfile": dockerfile}))
    assert sorted((f.code, f.line) for f in kept) == [("DC102", 2), ("DL3064", 3), ("DL3064", 5)]
    ignored = supersede(apply_config(ours + theirs, Config(ignored=frozenset({"DC102"})),
                                     {"Dockerfile": dockerfile}))
    assert sorted((f.code, f.line) for f in ignored) == [("DL3064", n) for n in (2, 3, 5)]


def test_dc201_names_the_smaller_variant() -> None:
    cases = {
        "python:3.12": "python:3.12-slim",
        "python:3.12-bookworm": "python:3.12-slim-bookworm",
        "node:20-bookworm": "node:20-bookworm-slim",
        "php:8.3-fpm": "php:8.3-fpm-alpine",
        "golang:1.22": "golang:1.22-alpine",
        "debian:bookworm": "debian:bookworm-slim",
        "eclipse-temurin:21-jdk-jammy": "eclipse-temurin:21-jre-jammy",
        "ruby": "ruby:slim",
    }
    for image, smaller in cases.items():
        (found,) = _run("DC201", f"FROM {image}\nUSER 1\nCMD [\"app\"]\n")
        assert found[1].endswith(f"use `{smaller}`, which is much smaller"), (image, found)
    for image in ("python:3.12-alpine", "node:20-slim", "php:8.3-apache", "alpine:3.20",
                  "debian:bookworm-backports", "python:3.12-windowsservercore"):
        assert _run("DC201", f"FROM {image}\n") == [], image


def test_messages_name_the_origin_line() -> None:
    text = "FROM debian:12-slim\nRUN apt-get update\nCOPY a /a\nRUN rm -rf /var/lib/apt/lists\n"
    assert _run("DC204", text) == [
        (4, "This RUN deletes /var/lib/apt/lists, which the RUN on line 2 created: the bytes "
            "stay in that earlier layer, so the image does not shrink; delete it in the RUN "
            "that creates it")
    ]
    text = "FROM debian:12-slim\nWORKDIR /app\nCOPY . .\nRUN chmod -R g+w .\nCMD [\"app\"]\n"
    assert _run("DC202", text) == [
        (4, "`chmod -R` on /app rewrites files the COPY/ADD on line 3 created, so every one is "
            "stored again in a new layer: leave code the app only reads owned by root, or set "
            "--chown/--chmod in that COPY")
    ]


def test_severities_and_scopes_match_issue_3() -> None:
    table = {
        "DC101": ("missing-user", "final", Severity.WARNING),
        "DC102": ("secret-in-image", "all", Severity.ERROR),
        "DC103": ("ssh-port-exposed", "final", Severity.WARNING),
        "DC104": ("writable-app-code", "final", Severity.INFO),
        "DC201": ("full-base-image", "final", Severity.INFO),
        "DC202": ("chown-copy-layer", "all", Severity.WARNING),
        "DC203": ("build-tools-in-final-stage", "final", Severity.INFO),
        "DC204": ("cleanup-in-later-layer", "all", Severity.WARNING),
    }
    for code, (name, scope, severity) in table.items():
        rule = rule_of(code)
        assert (rule.NAME, rule.SCOPE, rule.SEVERITY) == (name, scope, severity)


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("make 2>&1 | tee log", [["make"], ["tee", "log"]]),
        ("ls x 1> /dev/null 2>&1 && pip install a", [["ls", "x", ">/dev/null"],
                                                      ["pip", "install", "a"]]),
        ("echo hi >&2; ./build &> /tmp/b.log", [["echo", "hi"], ["./build", ">/tmp/b.log"]]),
        ("sort < in >> out 2>/tmp/err", [["sort", ">>out", ">/tmp/err"]]),
        ("sleep 1 & wait", [["sleep", "1"], ["wait"]]),
    ],
)
def test_shell_redirections_are_not_words(script: str, expected: list[list[str]]) -> None:
    from lint.rules._shell import commands

    assert commands(script) == expected


@pytest.mark.parametrize(
    ("script", "packages"),
    [
        ("apt-get -t bookworm-backports install -y gcc", ("gcc",)),
        ("apt-get install -t bookworm-backports -y gcc", ("gcc",)),
        ("apt-get -o Dpkg::Use-Pty=0 install make", ("make",)),
        ("apk add --virtual .build-deps gcc", ("gcc",)),
        ("pip install -r requirements.txt -i https://mirror.example/simple uwsgi", ("uwsgi",)),
    ],
)
def test_shell_installs_skip_option_values(script: str, packages: tuple[str, ...]) -> None:
    from lint.rules._shell import commands, installs

    assert [i.packages for i in installs(commands(script))] == [packages]


def test_dc202_index_finds_the_copy_the_one_by_one_comparison_finds() -> None:
    """The index of COPY destinations (``_Copies.latest``) gives the same latest COPY as
    comparing the target with every earlier COPY in turn (``_Copies._match``, the rule's
    original definition), on every combination of literal and glob destinations, targets and
    directories made by mkdir, a tree or a file, recursive or not."""
    import itertools
    import random

    from lint.rules.dc202_chown_copy_layer import _Copies, _Made

    paths = ["/app", "/app/", "/app/data", "/app/data/x.db", "/app/run.sh", "/app/*.sh",
             "/app/d*", "/etc/conf", "/", "~/cache", "/~/cache", "/app/[ab]", "/srv/a?"]
    rng = random.Random(202)
    checked = hits = 0
    for _ in range(300):
        copies, made = _Copies(), _Made()
        for rank in range(rng.randint(0, 6)):
            copies.add(rng.choice(paths).rstrip("/") or "/", rng.random() < 0.5, 10 + rank)
        for _ in range(rng.randint(0, 3)):
            made.add(rng.choice(paths))
        for target, recursive in itertools.product(paths, (False, True)):
            ranks = [r for r in range(len(copies.entries))
                     if copies._match(r, target, recursive, made)]
            expected = copies.entries[max(ranks)][2] if ranks else None
            assert copies.latest(target, recursive, made) == expected, (
                copies.entries, made.all, target, recursive)
            checked += 1
            hits += expected is not None
    assert checked == 300 * len(paths) * 2
    assert 0.2 < hits / checked < 0.8  # both outcomes well covered


def test_dc204_index_finds_the_paths_the_one_by_one_comparison_finds() -> None:
    """The index of paths left behind (``_Present``) gives the same first overlapping path and
    forgets the same paths as comparing a deletion with every path in turn (the rule's original
    definition), on literal and glob paths and deletions."""
    import random

    from lint.rules._paths import inside, overlaps
    from lint.rules.dc204_cleanup_in_later_layer import _Present

    paths = ["/tmp", "/tmp/a", "/tmp/a/b", "/tmp/*", "/tmp/a*", "/var/lib/apt/lists/*",
             "/var/lib/apt/lists", "~/.cache/pip/*", "~/.cache", "/~/.cache", "/", "/opt/x?",
             "/tmp/[ab]"]
    rng = random.Random(204)
    found = 0
    for _ in range(300):
        present, plain = _Present(), dict[str, int]()
        for step in range(40):
            path = rng.choice(paths)
            if rng.random() < 0.5:
                present.add(path, step)
                plain.setdefault(path, step)
                continue
            expected = next((line for p, line in plain.items() if overlaps(path, p)), None)
            assert present.origin(path) == expected, (list(plain), path)
            found += expected is not None
            present.delete_inside(path)
            plain = {p: line for p, line in plain.items() if not inside(p, path)}
            assert present.lines == plain
            if rng.random() < 0.1:
                present = present.copy()
    assert found > 1000
