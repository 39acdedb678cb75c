"""Every DC rule through ``engine.analyze`` on generated Dockerfiles and build contexts: no
exception (``RuleCrash`` is a bug of ours; the only documented outcome besides findings), and
every finding is one of our codes, on lines inside the file, with a message; the configuration
and supersede steps take whatever the rules made; ``engine.lines_where`` agrees with
``analyze``."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lint import engine
from lint.config import Config
from lint.dockerfile import Dockerfile, DockerfileError, parse
from lint.finding import SOURCE_OURS, Severity
from lint.rules import BY_CODE, RULES, RuleContext
from tests.fuzz.strategies import dockerfile_bytes, paths, words

PATH = "app/Dockerfile"

contexts = st.builds(
    RuleContext,
    target=st.one_of(st.none(), st.sampled_from(["build", "app", "0", "1", "nope"]), words),
    context_dir=st.just("app"),
    dockerignore=st.one_of(st.none(), st.lists(
        st.one_of(paths, paths.map(lambda p: "!" + p), st.just("# c"), st.just("")),
        max_size=6).map("\n".join)),
    dockerignore_name=st.just(".dockerignore"),
    context_files=st.one_of(st.none(), st.frozensets(
        st.one_of(st.sampled_from(["requirements.txt", "package.json", "app.py", "src/a.py",
                                   ".env", "id_rsa", "node_modules/x/y.js", ".git/HEAD"]),
                  paths.map(lambda p: p.strip("/") or "x")), max_size=8)),
    pin_exempt=st.lists(st.sampled_from(["scratch", "debian:*", "local/*", "["]),
                        max_size=2).map(tuple),
    trusted_registries=st.lists(st.sampled_from(["ghcr.io", "docker.io", "registry:5000"]),
                                max_size=2).map(tuple),
)


def parsed(data: bytes) -> Dockerfile | None:
    if engine.guard(PATH, data, len(data)) is not None:
        return None
    try:
        return parse(PATH, data)
    except DockerfileError:
        return None


@given(dockerfile_bytes, contexts)
def test_every_rule_runs_and_its_findings_stay_inside_the_file(data: bytes,
                                                               ctx: RuleContext) -> None:
    df = parsed(data)
    if df is None:
        return
    count = len(df.lines)
    findings = engine.analyze(df, ctx)  # RuleCrash would fail the test
    for f in findings:
        assert f.code in BY_CODE and f.source == SOURCE_OURS and f.path == PATH
        assert 1 <= f.line <= f.end_line <= count, (f.code, f.line, f.end_line, count)
        assert all(1 <= line <= count for line in f.related), (f.code, f.related)
        assert f.message.strip()
        template = BY_CODE[f.code].MESSAGE
        # A template with fields was filled in: the rule gave the arguments it names.
        assert "{" not in template or f.message != template, f.code
        assert isinstance(f.severity, Severity)
    config = Config(enabled=engine.OPT_IN)
    kept = engine.apply_config(findings, config, {PATH: df})
    assert set(kept) <= set(findings) | {f.with_(severity=s) for f in findings for s in Severity}
    assert set(engine.supersede(kept)) <= set(kept)


@given(dockerfile_bytes, st.one_of(st.none(), st.sampled_from(["build", "app", "0"])))
def test_lines_where_agrees_with_analyze(data: bytes, target: str | None) -> None:
    df = parsed(data)
    if df is None:
        return
    codes = {r.CODE for r in RULES}
    found = engine.analyze(df, RuleContext(target=target))
    expected: dict[int, list[str]] = {}
    for f in found:
        expected.setdefault(f.line, []).append(f.code)
    assert engine.lines_where(codes, df, target) == expected
