"""Hypothesis strategies that write Dockerfile-like text, not random bytes.

A file is a few parser directives, then instructions built from the pieces hostile and real
files are made of: ``FROM`` with stage names, platforms and ``${...}`` in the reference, ``RUN``
in shell and JSON form with package managers, ``cd``, ``chown``, ``rm`` and pipes, heredocs
(``<<EOF``, ``<<-EOF`` with tab-indented bodies, several on one line, quoted names), ``COPY``/
``ADD`` with ``--from``/``--chown``/``--chmod`` and glob paths full of ``[``, ``ENV``/``ARG``
lists, ``${A:-${B:+x}}`` nesting (within the guard's bound, so the parser's cost stays small),
line continuations with comments and blank lines inside, ``ONBUILD``, unknown keywords, pragmas
and plain comments; words mix ASCII with unicode (combining marks, right-to-left marks, emoji,
line and paragraph separators); lines end in LF, CRLF or a lone CR; and a rare NUL.
"""

from __future__ import annotations

import json
import posixpath

from hypothesis import strategies as st

from lint.engine import MAX_NESTING
from lint.finding import Finding, Severity

# Odd characters that have broken parsers, terminals and markdown before.
ODD = ("é", "ß", "\u0301", "\u200b", "\u200e", "\u202e", "\u2028", "\u2029", "😀", "中",
       "\t", "%", ",", ":", "|", "`", "*", "_", "~", "<", ">", "&", "@", "#", "!", "[", "]",
       "(", ")", "{", "}", "$", "'", '"', "\\", "::", "\x7f", "\x1b[31m")
SAFE = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./="

names = st.sampled_from(["A", "B", "HOME", "PATH", "APP", "VERSION", "TOKEN", "API_KEY",
                         "PYTHONUNBUFFERED", "DEBIAN_FRONTEND", "x", "_"])
plain_words = st.text(alphabet=SAFE, min_size=1, max_size=12)
odd_words = st.lists(st.one_of(st.sampled_from(ODD), plain_words), min_size=1,
                     max_size=4).map("".join)


@st.composite
def substitutions(draw: st.DrawFn, depth: int = MAX_NESTING) -> str:
    """``$A``, ``${A}``, ``${A:-word}``, ``${A:+${B-...}}``, nested at most ``depth`` deep."""
    name = draw(names)
    form = draw(st.sampled_from(["$", "{}", "op"]))
    if form == "$":
        return f"${name}"
    if form == "{}" or depth <= 1:
        return f"${{{name}}}"
    op = draw(st.sampled_from([":-", "-", ":+", "+"]))
    inner = draw(st.one_of(plain_words, substitutions(depth=draw(
        st.integers(1, min(depth - 1, 4))))))
    return f"${{{name}{op}{inner}}}"


words = st.one_of(plain_words, plain_words, odd_words, substitutions())
images = st.one_of(
    st.sampled_from(["debian:12", "python:3.12-slim", "alpine:3.20", "ubuntu", "scratch",
                     "node:20@sha256:" + "a" * 64, "ghcr.io/o/r:1", "${BASE}", "$IMG:${TAG}",
                     "registry:5000/x/y", "builder", "base"]),
    words)
paths = st.one_of(
    st.sampled_from([".", "./", "/app", "/app/", "~/.cache", "$HOME/.npm", "/tmp/*",
                     "/var/lib/apt/lists/*", "requirements.txt", "package*.json", "src/",
                     "*.py", "[a-z]*", "a[", "[!x]/**", "../x", "/root/.ssh/id_rsa", ".env",
                     "id_rsa", "/etc/passwd", "app/[[[[[x", "**/*.pem"]),
    words)
commands = st.one_of(
    st.sampled_from([
        "apt-get update", "apt-get install -y gcc curl", "apt-get install -y --no-install-"
        "recommends ca-certificates", "rm -rf /var/lib/apt/lists/*", "pip install -r "
        "requirements.txt", "pip install --no-cache-dir flask", "npm ci", "npm install -g x",
        "yarn install", "apk add --no-cache git", "apk add build-base", "go build ./...",
        "cd /tmp", "cd $HOME", "chown -R app:app /app", "chmod -R 777 /app", "useradd -m app",
        "curl -fsSL https://x.sh | sh", "wget -qO- x | bash", "echo $TOKEN > /tmp/t",
        "rm -rf /root/.cache", "make && make install", "true", ":", "exit 0",
        "git clone https://github.com/a/b", "export A=1", "source /etc/profile",
    ]),
    st.lists(words, min_size=1, max_size=4).map(" ".join))


@st.composite
def shell(draw: st.DrawFn) -> str:
    parts = draw(st.lists(commands, min_size=1, max_size=4))
    joins = draw(st.lists(st.sampled_from([" && ", "; ", " || ", " | ", " && \\\n    ",
                                           " \\\n  # a comment inside\n  && ", " \\\n\n  "]),
                          min_size=len(parts), max_size=len(parts)))
    out = parts[0]
    for join, part in zip(joins, parts[1:], strict=False):
        out += join + part
    return out


@st.composite
def heredoc_run(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 3))
    chomp = draw(st.booleans())
    heads, bodies = [], []
    for i in range(count):
        name = draw(st.sampled_from(["EOF", "END", "SCRIPT", "EOT", "x"])) + str(i)
        quote = draw(st.sampled_from(["", "'", '"']))
        fd = draw(st.sampled_from(["", "", "3"]))
        heads.append(f"{fd}<<{'-' if chomp else ''}{quote}{name}{quote}")
        body = draw(st.lists(st.one_of(commands, words), min_size=0, max_size=3))
        indent = "\t" if chomp and draw(st.booleans()) else ""
        bodies.append("".join(f"{indent}{line}\n" for line in body) + f"{indent}{name}")
    keyword = draw(st.sampled_from(["RUN", "RUN", "COPY", "RUN --mount=type=cache,target=/x"]))
    tail = " /dst" if keyword == "COPY" else draw(st.sampled_from(["", " bash", " && true"]))
    return f"{keyword} {' '.join(heads)}{tail}\n" + "\n".join(bodies)


def _flags(*options: str) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(options), max_size=2).map(
        lambda fs: "".join(f + " " for f in fs))


@st.composite
def instruction(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from([
        "FROM", "RUN", "RUN", "RUN_JSON", "HEREDOC", "COPY", "ADD", "ENV", "ARG", "USER",
        "WORKDIR", "EXPOSE", "CMD", "ENTRYPOINT", "HEALTHCHECK", "LABEL", "SHELL", "ONBUILD",
        "VOLUME", "STOPSIGNAL", "UNKNOWN", "COMMENT", "PRAGMA", "BLANK"]))
    if kind == "FROM":
        platform = draw(st.sampled_from(["", "--platform=$BUILDPLATFORM ", "--platform=x "]))
        name = draw(st.one_of(st.just(""), st.sampled_from(["build", "base", "app", "x"])
                              .map(lambda n: f" AS {n}"), words.map(lambda w: f" as {w}")))
        return f"FROM {platform}{draw(images)}{name}"
    if kind == "RUN":
        mount = draw(_flags("--mount=type=cache,target=/root/.cache", "--network=none",
                            "--mount=type=secret,id=t"))
        return f"RUN {mount}{draw(shell())}"
    if kind == "RUN_JSON":
        return "RUN " + _json(draw(st.lists(words, min_size=1, max_size=3)))
    if kind == "HEREDOC":
        return str(draw(heredoc_run()))
    if kind in ("COPY", "ADD"):
        flags = draw(_flags("--from=build", "--from=0", "--chown=app:app", "--chown=1000",
                            "--chmod=755", "--link", "--from=${STAGE}"))
        srcs = draw(st.lists(paths, min_size=1, max_size=3))
        return f"{kind} {flags}{' '.join(srcs)} {draw(paths)}"
    if kind in ("ENV", "ARG"):
        pairs = draw(st.lists(st.tuples(names, words), min_size=1, max_size=4))
        if kind == "ARG" and draw(st.booleans()):
            return "ARG " + draw(names)
        sep = " \\\n    " if draw(st.booleans()) else " "
        return kind + " " + sep.join(f"{k}={v}" if " " not in v else f'{k}="{v}"'
                                     for k, v in pairs)
    if kind == "USER":
        return "USER " + draw(st.sampled_from(["root", "app", "1000", "0:0", "$USER"]))
    if kind == "WORKDIR":
        return "WORKDIR " + draw(paths)
    if kind == "EXPOSE":
        return "EXPOSE " + draw(st.sampled_from(["22", "80", "8080/tcp", "22/udp", "${PORT}"]))
    if kind in ("CMD", "ENTRYPOINT"):
        args = draw(st.lists(words, min_size=1, max_size=3))
        return f"{kind} " + (_json(args) if draw(st.booleans()) else " ".join(args))
    if kind == "HEALTHCHECK":
        return draw(st.sampled_from(["HEALTHCHECK NONE", "HEALTHCHECK CMD curl -f x",
                                     "HEALTHCHECK --interval=5s CMD [\"true\"]"]))
    if kind == "LABEL":
        return f"LABEL {draw(names)}={draw(words)}"
    if kind == "SHELL":
        return 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]'
    if kind == "ONBUILD":
        return "ONBUILD " + draw(st.sampled_from(["RUN make", "COPY . /app", "USER root"]))
    if kind == "VOLUME":
        return "VOLUME " + draw(paths)
    if kind == "STOPSIGNAL":
        return "STOPSIGNAL SIGTERM"
    if kind == "UNKNOWN":
        return draw(st.sampled_from(["FOO", "MAINTAINER", "run", "Copy"])) + " " + draw(words)
    if kind == "COMMENT":
        return "# " + draw(words)
    if kind == "PRAGMA":
        codes = draw(st.lists(st.sampled_from(["DC101", "DC102", "DL3008", "SC2086", "XX1",
                                               "DC2O1"]), min_size=1, max_size=3))
        glob = draw(st.sampled_from(["", "global "]))
        return f"# hadolint {glob}ignore={','.join(codes)}"
    return ""


def _json(args: list[str]) -> str:
    return json.dumps(args, ensure_ascii=False)


@st.composite
def dockerfiles(draw: st.DrawFn, max_instructions: int = 14) -> str:
    """The text of a Dockerfile-like file (its line ends vary; see ``as_bytes``)."""
    lines: list[str] = []
    if draw(st.integers(0, 4)) == 0:
        lines += draw(st.lists(st.sampled_from(["# syntax=docker/dockerfile:1", "# escape=`",
                                                "# escape=\\", "# check=skip=all"]),
                               max_size=2))
    if draw(st.booleans()):
        lines += [f"ARG {draw(names)}={draw(words)}"]
    if draw(st.integers(0, 9)):
        lines.append("FROM " + draw(images) + draw(st.sampled_from(["", " AS build"])))
    lines += draw(st.lists(instruction(), min_size=0, max_size=max_instructions))
    return "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n", " \\\n"]))


@st.composite
def as_bytes(draw: st.DrawFn, text: str) -> bytes:
    """``text`` encoded with a chosen line end (LF, CRLF, CR), sometimes a BOM, rarely a NUL."""
    end = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    data = text.replace("\n", end).encode("utf-8")
    if draw(st.integers(0, 9)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 19)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\x00", b"\xff", b"\xc3"])) + data[at:]
    return data


dockerfile_bytes = dockerfiles().flatmap(as_bytes)

# hostile text for the sinks
hostile = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(st.sampled_from((*ODD, "\n", "\r", "\r\n", "\n::error::x", "::",
                                        "%0A", "%25", "<!--", "-->", "<script>",
                                        "</details>", "| a | b |", "@octocat", "#12",
                                        "[x](http://e)", "![i](x)", "```", "&amp;", "\x00")),
                       plain_words), max_size=8).map("".join))
severities = st.sampled_from(list(Severity))
codes = st.one_of(st.sampled_from(["DC101", "DC102", "DC204", "DL3008", "SC2086", "DL1000"]),
                  hostile.filter(lambda c: c.strip()))


def _root_relative(path: str) -> bool:
    """Findings carry root-relative paths (the SARIF sink rejects others as a bug upstream):
    not empty, not absolute, not ``.``, not climbing out, with ``\\`` read as ``/`` as the
    sink reads it."""
    normal = posixpath.normpath(path.replace("\\", "/")) if path else ""
    return bool(path) and not (normal.startswith("/") or normal in (".", "..")
                               or normal.startswith("../"))


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    line = draw(st.integers(1, 50))
    return Finding(
        path=draw(st.one_of(st.sampled_from(["Dockerfile", "app/Dockerfile"]),
                            hostile.filter(_root_relative))),
        line=line,
        code=draw(codes),
        severity=draw(severities),
        message=draw(hostile),
        source=draw(st.sampled_from(["hadolint", "dockerfile-review"])),
        end_line=line + draw(st.integers(0, 3)),
        column=draw(st.integers(1, 30)),
        end_column=draw(st.one_of(st.none(), st.integers(2, 40))),
        # the engine always fingerprints; SARIF needs it
        fingerprint=draw(st.text(alphabet="0123456789abcdef", min_size=16, max_size=16)),
    )
