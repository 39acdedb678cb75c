"""The token goes only to the GitHub API's origin (scheme, host, port), and never into any
output, whatever a server answers.

Two loopback servers: the GitHub-shaped one (``tests/ghserver.py``) and an "attacker" that
records every ``Authorization`` header it gets. Replies of the GitHub server point at the
attacker by a redirect (301/302/307/308 ``Location``) or by a ``Link`` page URL: another host
(``localhost`` vs ``127.0.0.1``), another port, another scheme. PyGithub 2.10 refuses some of
these only with ``assert`` (gone under ``python -O``), so one case runs a client in a
``python -O`` subprocess. The token matches no known token format, so only a literal scrub
can hide it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import entrypoint
from lint.github.api import Client, GitHubError, origin
from tests.ghserver import GitHubServer

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "zz-not-a-known-format-7d1f0c2e9b4a"
REPO = "octo-org/octo-repo"
FILES = f"/repos/{REPO}/pulls/1/files"
CONTENT = f"/repos/{REPO}/contents/Dockerfile"
COMMENTS = f"/repos/{REPO}/issues/1/comments"
REFUSED = "not followed (the token goes only to the API host)"


class Attacker:
    """A loopback server that answers ``[]`` to everything and records what it was sent."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None]] = []
        attacker = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                attacker.seen.append((self.command, self.path,
                                      self.headers.get("Authorization")))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"[]")

            do_GET = do_POST = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.httpd.server_address[1])
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def _attacker() -> Iterator[Attacker]:
    server = Attacker()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def attacker(_attacker: Attacker) -> Attacker:
    _attacker.seen.clear()
    return _attacker


@pytest.fixture
def github() -> Iterator[GitHubServer]:
    server = GitHubServer(token=TOKEN).start()
    server.set_pr_files(1, [f"d{i}/Dockerfile" for i in range(150)])  # two pages
    server.set_file("abc", "Dockerfile", b"FROM debian:12\n")
    for i in range(120):
        server.add_comment("someone", f"comment {i}")  # two pages
    try:
        yield server
    finally:
        server.stop()


def _client(github: GitHubServer) -> Client:
    return Client(TOKEN, github.url, REPO, sleep=lambda _: None, timeout=3, retries=0)


def _elsewhere(kind: str, github: GitHubServer, attacker: Attacker) -> str:
    """An origin other than the API's: ``host`` another name for the same machine and port
    (the GitHub server itself answers: its log must show no request by that name), ``port``
    the attacker on 127.0.0.1, ``both`` the attacker by another name, ``scheme`` https on the
    API's own host and port."""
    port = github.url.rsplit(":", 1)[1]
    return {"host": f"http://localhost:{port}", "port": f"http://127.0.0.1:{attacker.port}",
            "both": f"http://localhost:{attacker.port}",
            "scheme": f"https://127.0.0.1:{port}"}[kind]


def _by_other_name(github: GitHubServer) -> list[str]:
    return [r.headers.get("Host", "") for r in github.requests
            if not r.headers.get("Host", "").startswith("127.0.0.1")]


CALLS: dict[str, tuple[str, Callable[[Client], object]]] = {
    "pr_files": (FILES, lambda c: c.pr_files(1)),
    "file_content": (CONTENT, lambda c: c.file_content("Dockerfile", "abc")),
    "comment": (COMMENTS, lambda c: c.upsert_comment(1, "x\n<!-- m -->", "<!-- m -->")),
}


@pytest.mark.parametrize("status", [301, 302, 307, 308])
@pytest.mark.parametrize("kind", ["host", "port", "both", "scheme"])
@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_redirect_elsewhere_is_refused_and_gets_no_token(
        status: int, kind: str, call: str, github: GitHubServer, attacker: Attacker) -> None:
    path, run = CALLS[call]
    github.inject("GET", path, status=status,
                  headers={"Location": f"{_elsewhere(kind, github, attacker)}{path}"})

    with pytest.raises(GitHubError) as caught:
        run(_client(github))

    assert (caught.value.method, caught.value.path, caught.value.status) == ("GET", path, status)
    assert caught.value.message == f"the reply points at another host, port or scheme; {REFUSED}"
    assert attacker.seen == []
    assert _by_other_name(github) == []


def test_a_redirect_of_the_post_is_refused_and_posts_once(
        github: GitHubServer, attacker: Attacker) -> None:
    github.inject("POST", COMMENTS, status=307,
                  headers={"Location": f"http://localhost:{attacker.port}{COMMENTS}"})

    with pytest.raises(GitHubError) as caught:
        _client(github).upsert_comment(1, "x\n<!-- m -->", "<!-- m -->")

    assert (caught.value.method, caught.value.status) == ("POST", 307)
    assert attacker.seen == []
    assert len(github.requests_for("POST")) == 1


@pytest.mark.parametrize("kind", ["host", "port", "both", "scheme"])
@pytest.mark.parametrize("call", ["pr_files", "comment"])
def test_a_link_page_elsewhere_is_refused_and_gets_no_token(
        kind: str, call: str, github: GitHubServer, attacker: Attacker) -> None:
    github.link_origin = _elsewhere(kind, github, attacker)
    path, run = CALLS[call]

    with pytest.raises(GitHubError) as caught:
        run(_client(github))

    assert (caught.value.path, caught.value.status) == (path, 200)
    assert attacker.seen == []
    assert _by_other_name(github) == []


def test_pages_on_the_api_origin_are_all_read(github: GitHubServer) -> None:
    assert len(_client(github).pr_files(1)) == 150
    assert len(github.requests_for("GET", FILES)) == 2


def test_a_connection_to_another_origin_sends_nothing(
        github: GitHubServer, attacker: Attacker) -> None:
    """The last line of defence, below whatever PyGithub decides to follow: a connection of
    this client opened to another origin refuses to send."""
    requester = _client(github)._gh.requester
    cnx = requester._Requester__httpConnectionClass(  # type: ignore[attr-defined]
        "127.0.0.1", attacker.port)
    cnx.request("GET", FILES, None, {"Authorization": f"token {TOKEN}"})

    with pytest.raises(Exception, match="a request for another host, port or scheme"):
        cnx.getresponse()
    assert attacker.seen == []


def test_under_python_O_a_link_elsewhere_still_gets_no_token(
        github: GitHubServer, attacker: Attacker) -> None:
    """PyGithub checks a Link URL's host with ``assert``; ``python -O`` drops it and, without
    our connection guard, the next page request carries the token to the named host."""
    github.link_origin = f"http://localhost:{attacker.port}"
    script = ("import sys; from lint.github.api import Client, GitHubError\n"
              "c = Client(sys.argv[1], sys.argv[2], sys.argv[3], timeout=3, retries=0)\n"
              "try:\n    c.pr_files(1)\nexcept GitHubError as e:\n    print(e.status, e.message)\n")
    proc = subprocess.run([sys.executable, "-O", "-c", script, TOKEN, github.url, REPO],
                          cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
                          env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT)})

    assert proc.stdout == f"200 the reply points at another host, port or scheme; {REFUSED}\n"
    assert attacker.seen == []


@pytest.mark.parametrize(("url", "expected"), [
    ("https://api.github.com", ("https", "api.github.com", 443)),
    ("HTTPS://API.GitHub.com:443/x", ("https", "api.github.com", 443)),
    ("http://127.0.0.1:8080/api/v3", ("http", "127.0.0.1", 8080)),
    ("http://localhost", ("http", "localhost", 80)),
    ("ftp://api.github.com", None),
    ("/repos/a/b", None),
    ("http://127.0.0.1:99999", None),
])
def test_origin(url: str, expected: tuple[str, str, int] | None) -> None:
    assert origin(url) == expected


# the token in every error shape GitHub (or a proxy) can answer with

def test_a_server_echoing_the_token_everywhere_never_gets_it_into_any_output(
        tmp_path: Path, github: GitHubServer, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "Dockerfile").write_text("FROM debian:12\nRUN cd /tmp\n")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"action": "synchronize", "number": 1, "pull_request": {
        "number": 1, "base": {"sha": "a" * 40}, "head": {"sha": "b" * 40}}}))
    echo = {"X-Echo": TOKEN, "Link": f'<{github.url}/{TOKEN}>; rel="help"'}
    # The base's file list: a plain-text body (a proxy's page) quoting the token.
    github.inject("GET", FILES, status=404, text=f"upstream said: Bad credentials {TOKEN}",
                  headers=echo, times=None)
    # Listing the comments: GitHub's JSON error with the token in its message.
    github.inject("GET", COMMENTS, status=401, message=f"Bad credentials: token {TOKEN}",
                  headers=echo, times=None)
    summary, output = tmp_path / "summary", tmp_path / "output"
    env = {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
           "GITHUB_WORKSPACE": str(workspace), "GITHUB_REPOSITORY": REPO,
           "GITHUB_API_URL": github.url, "GITHUB_SHA": "b" * 40, "GITHUB_RUN_ID": "1",
           "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary),
           "INPUT_GITHUB-TOKEN": TOKEN, "INPUT_SIZE": "false", "INPUT_FETCH-BASE": "false",
           "INPUT_ANNOTATIONS": "true"}

    code = entrypoint.run(env)

    captured = capsys.readouterr()
    assert code == 1, captured.out  # DL3003: the run went through, with its notes
    assert "could not read the base" in captured.out  # the 502 was reported ...
    assert "could not write the pull-request comment" in captured.out  # ... and the 401
    written = {p.name: p.read_text() for p in workspace.iterdir() if p.is_file()}
    assert {"dockerfile-review.sarif", "dockerfile-review-comment.md",
            "dockerfile-review-report.json"} <= set(written)
    json.loads(written["dockerfile-review.sarif"])
    texts = [captured.out, captured.err, summary.read_text(), output.read_text(),
             *written.values(), *(c.body for c in github.comments)]
    for text in texts:
        assert TOKEN not in text
        assert TOKEN[3:20] not in text
    assert all(r.authorized for r in github.requests)
