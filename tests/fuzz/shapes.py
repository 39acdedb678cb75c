"""Hostile shapes, each a generator of a Dockerfile (and, for some, its build context) of size
``n``: the cost check (``test_cost.py``) runs the pure core at ``n`` and ``8n``, and the corpus
(``corpus/*.json``) names a shape and a size instead of holding the file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lint.engine import MAX_NESTING


@dataclass(frozen=True)
class Input:
    """A file and its build context. ``@SALT@`` in a shape's text is replaced by a different
    word on every repetition (``salted``), so no cache of compiled patterns (``fnmatch``'s,
    ``re``'s) makes a repetition cheaper than a first run on a new file."""

    text: str
    dockerignore: str | None = None
    context_files: frozenset[str] | None = None

    def salted(self, salt: str) -> Input:
        return Input(self.text.replace("@SALT@", salt), self.dockerignore, self.context_files)


def _nest(depth: int, i: int = 0) -> str:
    return "${A:-" * depth + f"x{i}" + "}" * depth


def nested_substitutions(n: int) -> Input:
    """``n`` substitutions nested to the guard's cap, on one RUN line."""
    return Input("FROM debian:12\nRUN echo " + " ".join(_nest(MAX_NESTING, i) for i in range(n))
                 + "\n")


def nested_lines(n: int) -> Input:
    """``n`` RUN lines, each one substitution nested to the cap."""
    return Input("FROM debian:12\n" + "".join(f"RUN echo {_nest(MAX_NESTING, i)}\n"
                                              for i in range(n)))


def long_run_line(n: int) -> Input:
    """One RUN line of ``n`` commands joined by ``&&`` (package installs, cd, rm)."""
    parts = [("apt-get install -y p{0}", "cd /tmp/d{0}", "rm -rf /var/cache/c{0}",
              "pip install q{0}")[i % 4].format(i) for i in range(n)]
    return Input("FROM debian:12\nRUN " + " && ".join(parts) + "\n")


def continued_run(n: int) -> Input:
    """One RUN of ``n`` continuation lines, with comments between them."""
    body = "".join(f"    apt-get install -y p{i} && \\\n    # step {i}\n" for i in range(n))
    return Input("FROM debian:12\nRUN true && \\\n" + body + "    true\n")


def many_instructions(n: int) -> Input:
    """``n`` instructions of every common kind in one stage."""
    kinds = ("RUN apt-get install -y p{0}", "COPY f{0} /app/f{0}", "ENV V{0}=x{0}",
             "WORKDIR /w{0}", "RUN useradd u{0}", "ARG A{0}=1", "LABEL l{0}=v",
             "EXPOSE {0}")
    return Input("FROM debian:12\n" + "".join(kinds[i % len(kinds)].format(i) + "\n"
                                              for i in range(n)) + "USER app\n")


def chown_copies(n: int) -> Input:
    """``n`` COPYs, each followed by a ``chown`` of paths no COPY made (DC202 looks for the
    COPY a chown rewrites)."""
    return Input("FROM debian:12\n" + "".join(
        f"COPY f{i} /app/f{i}\nRUN chown app " + " ".join(f"/srv/{c}{i}" for c in "abcdefgh")
        + "\n" for i in range(n)) + "USER app\n")


def cleanups_against_downloads(n: int) -> Input:
    """``n`` RUNs that download into ``/tmp``, then ``n`` that delete other paths (DC204 looks
    for the download each deletion overlaps)."""
    return Input("FROM debian:12\n" + "".join(
        f"RUN curl -fsSL -o /tmp/f{i} https://example.com/{i}\n" for i in range(n)) + "".join(
        f"RUN rm -f /opt/x{i}\n" for i in range(n)) + 'USER app\nCMD ["app"]\n')


def bracket_path(n: int) -> Input:
    """A cleanup path of ``n`` ``[`` in a later RUN than the install it cleans (DC204 compares
    the two paths as globs, ``rules/_paths.py``)."""
    return Input("FROM debian:12\nRUN pip install flask\nRUN rm -rf /root/.cache/@SALT@"
                 + "[" * n + "\n")


def bracket_copies(n: int) -> Input:
    """``n`` COPY sources full of ``[`` against a context of ``n`` files."""
    srcs = " ".join(f"a@SALT@[{i}" + "[" * 8 for i in range(n))
    files = frozenset(f"src/a{i}.py" for i in range(n))
    return Input(f"FROM debian:12\nCOPY {srcs} /app/\n", "*.md\n[[[[[\n", files)


def many_heredocs(n: int) -> Input:
    """``n`` RUN heredocs, each followed directly by an instruction (the rewrite's case)."""
    return Input("FROM debian:12\n" + "".join(
        f"RUN <<EOF{i}\napt-get install -y p{i}\nEOF{i}\nRUN echo {i}\n" for i in range(n)))


def multi_heredoc_run(n: int) -> Input:
    """RUNs of three heredocs each (merged by the rewrite), ``n`` of them."""
    return Input("FROM debian:12\n" + "".join(
        f"RUN <<A{i} <<B{i} <<-C{i}\necho a\nA{i}\necho b\nB{i}\n\techo c\n\tC{i}\n"
        for i in range(n)))


def stage_chain(n: int) -> Input:
    """``n`` stages, each ``FROM`` the previous one and copying from the one before."""
    out = ["FROM debian:12 AS s0", "RUN apt-get install -y gcc"]
    for i in range(1, n):
        out += [f"FROM s{i - 1} AS s{i}", f"COPY --from=s{max(i - 2, 0)} /a{i} /a{i}",
                f"ENV P{i}=${{P{i - 1}:-x}} " + " ".join(f"{c}{i}={c}" for c in "QRSTUVWX"),
                f"RUN rm -rf /tmp/{i}"]
    return Input("\n".join(out) + "\nUSER app\n")


def stage_fanout(n: int) -> Input:
    """A first stage of ``n`` COPYs and RUNs and ``n`` stages ``FROM`` it (each starts from the
    first one's state instead of re-walking it)."""
    out = ["FROM debian:12 AS s0", "WORKDIR /app"]
    out += [f"COPY d{i} /app/d{i}/\nRUN pip install p{i}" for i in range(n)]
    for i in range(1, n):
        out += [f"FROM s0 AS s{i}", f"RUN chown app /app/f{i}", f"RUN rm -rf /tmp/{i}"]
    return Input("\n".join(out) + '\nUSER app\nCMD ["app"]\n')


def many_stages(n: int) -> Input:
    """``n`` unrelated stages, each with a finding (every finding is looked up by its line,
    every stage's base among the earlier stages' names)."""
    return Input("".join(f"FROM debian AS s{i}\n" for i in range(n)) + "EXPOSE 22\n")


def env_list(n: int) -> Input:
    """One ENV of ``n`` assignments, each naming the one before, then a RUN using them."""
    pairs = " ".join(f"V{i}=${{V{i - 1}:-v}}" for i in range(n))
    return Input(f"FROM debian:12\nENV {pairs}\nRUN echo $V{n - 1}\n")


def env_lines(n: int) -> Input:
    """``n`` ENV and ARG lines read by every later instruction's substitution."""
    return Input("FROM debian:12\n" + "".join(
        f"ARG A{i}=a\nENV E{i}=${{A{i}}}\nRUN echo $E{i} $HOME\n" for i in range(n)))


def big_context(n: int) -> Input:
    """A broad ``COPY . .`` into a context of ``n`` files with a ``.dockerignore`` of ``n``
    patterns."""
    files = frozenset(f"d{i % 50}/f{i}.py" for i in range(n))
    ignore = "".join(f"d{i}/*.pyc\n!d{i}/keep{i}\n" for i in range(n // 2))
    return Input("FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r "
                 "requirements.txt\n", ignore, files)


def pragmas(n: int) -> Input:
    """``n`` instructions each under a ``# hadolint ignore=`` pragma."""
    return Input("FROM debian:12\n" + "".join(
        f"# hadolint ignore=DL3008,DC204\nRUN apt-get install -y p{i}\n" for i in range(n)))


SHAPES: dict[str, Callable[[int], Input]] = {f.__name__: f for f in (
    nested_substitutions, nested_lines, long_run_line, continued_run, many_instructions,
    chown_copies, cleanups_against_downloads, bracket_path, bracket_copies, many_heredocs,
    multi_heredoc_run, stage_chain, stage_fanout, many_stages, env_list, env_lines, big_context,
    pragmas)}
