"""A GitHub-shaped REST server on 127.0.0.1 for tests, checked against GitHub's own description.

Every request is matched against the ``paths`` of ``@octokit/openapi``'s dereferenced
``api.github.com`` description: an unknown route, an undeclared query parameter, a request body
or a response body that does not validate against the operation's schema is recorded in
``violations`` (tests assert it stays empty). Response bodies start from the operation's own
example and are filled in with the server's state (comments, PR files, file contents).

Faults are injected by method and path glob: a status (500/502/403/429 ...) before or *after*
the write is stored, extra headers (``Retry-After``, ``x-ratelimit-*``) and slow replies.

Use it as the ``github_server`` pytest fixture (import it into the test module) or as a plain
object: ``server = GitHubServer(); server.start(); ... server.stop()``.
"""

from __future__ import annotations

import base64
import copy
import fnmatch
import functools
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import jsonschema
import pytest

SPEC = (Path(__file__).resolve().parent.parent / ".tools" / "node_modules" / "@octokit" / "openapi"
        / "generated" / "api.github.com.deref.json")

FORBIDDEN_MESSAGE = "Resource not accessible by integration"
SECONDARY_RATE_LIMIT_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000."
)
PRIMARY_RATE_LIMIT_MESSAGE = "API rate limit exceeded for installation ID 1."
_MESSAGES = {401: "Requires authentication", 403: FORBIDDEN_MESSAGE, 404: "Not Found",
             429: SECONDARY_RATE_LIMIT_MESSAGE, 500: "Server Error", 502: "Server Error",
             503: "Service Unavailable"}
_DOCS = "https://docs.github.com/rest"
# GitHub serves files up to 1 MB through the contents API; larger ones come with
# ``encoding: none`` and an empty ``content`` and must be read as a blob.
CONTENTS_LIMIT = 1024 * 1024
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)
T = TypeVar("T")


# --- GitHub's description -------------------------------------------------------------------

@functools.cache
def _spec() -> dict[str, Any]:
    with SPEC.open("rb") as handle:
        spec: dict[str, Any] = json.load(handle)
    return spec


@dataclass(frozen=True)
class _Template:
    template: str
    pattern: re.Pattern[str]
    literals: int


@functools.cache
def _templates() -> tuple[_Template, ...]:
    out = []
    for template in _spec()["paths"]:
        parts = template.strip("/").split("/")
        regex = []
        for index, part in enumerate(parts):
            name = re.fullmatch(r"\{(\w+)\}", part)
            if name is None:
                regex.append(re.escape(part))
            elif index == len(parts) - 1 and name.group(1) == "path":
                regex.append(f"(?P<{name.group(1)}>.+)")  # a file path spans segments
            else:
                regex.append(f"(?P<{name.group(1)}>[^/]+)")
        literals = sum(1 for part in parts if not part.startswith("{"))
        out.append(_Template(template, re.compile("/" + "/".join(regex)), literals))
    return tuple(sorted(out, key=lambda t: -t.literals))


def match_route(method: str, path: str) -> tuple[str, dict[str, str]] | None:
    """The description's path template for ``method path`` and its parameters, or None."""
    for candidate in _templates():
        found = candidate.pattern.fullmatch(path)
        if found and method.lower() in _spec()["paths"][candidate.template]:
            return candidate.template, {k: unquote(v) for k, v in found.groupdict().items()}
    return None


def operation(template: str, method: str) -> dict[str, Any]:
    op: dict[str, Any] = _spec()["paths"][template][method.lower()]
    return op


def _to_jsonschema(schema: Any) -> Any:
    """OpenAPI 3.0 schema object -> JSON Schema (Draft 4): ``nullable`` becomes a null branch."""
    if isinstance(schema, list):
        return [_to_jsonschema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _to_jsonschema(value) for key, value in schema.items()
           if key not in ("nullable", "example", "examples", "discriminator", "format")}
    if "properties" in schema:
        out["properties"] = {name: _to_jsonschema(sub)
                             for name, sub in schema["properties"].items()}
    if schema.get("nullable") is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


@functools.cache
def _validator(template: str, method: str, status: str | None) -> jsonschema.Draft4Validator | None:
    """The validator for a request body (``status`` None) or a JSON response of ``status``."""
    op = operation(template, method)
    holder = op.get("requestBody") if status is None else op["responses"].get(status)
    if not holder:
        return None
    schema = holder.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return None
    return jsonschema.Draft4Validator(_to_jsonschema(schema))


def example(template: str, method: str, status: str, name: str | None = None) -> Any:
    """A deep copy of the description's example body for that response."""
    content = operation(template, method)["responses"][status]["content"]["application/json"]
    examples = content["examples"]
    chosen = examples[name] if name else next(iter(examples.values()))
    return copy.deepcopy(chosen["value"])


def _problems(validator: jsonschema.Draft4Validator, instance: Any) -> list[str]:
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message[:200]}"
            for error in validator.iter_errors(instance)][:5]


# --- state ----------------------------------------------------------------------------------

@dataclass
class Comment:
    id: int
    issue: int
    user: str
    body: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PRFile:
    filename: str
    status: str = "modified"
    previous_filename: str | None = None


@dataclass
class Fault:
    """An injected fault: matching requests get ``status`` (before or ``after`` the write is
    stored) and/or are answered ``delay`` seconds late. ``times`` None means every time."""

    method: str
    path: str
    status: int | None = None
    message: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    after: bool = False
    delay: float = 0.0
    times: int | None = 1
    hits: int = 0
    #: a plain-text body instead of GitHub's JSON error (a proxy's or a broken server's reply)
    text: str | None = None

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method) and fnmatch.fnmatchcase(path, self.path)
                and (self.times is None or self.hits < self.times))


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    authorized: bool


@dataclass(frozen=True)
class PlainText:
    """A reply body sent as ``text/plain`` as it is, not as JSON."""

    text: str


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    app: GitHubServer


class GitHubServer:
    """GitHub's REST API for one repository, in memory, on 127.0.0.1."""

    def __init__(self, repository: str = "octo-org/octo-repo", token: str | None = None) -> None:
        self.repository = repository
        self.token = token
        self.requests: list[Request] = []
        self.violations: list[str] = []
        self.comments: list[Comment] = []
        self.faults: list[Fault] = []
        self.pr_files: dict[int, list[PRFile]] = {}
        self.files: dict[tuple[str, str], bytes] = {}
        #: where the ``Link`` header's page URLs point (``None``: this server); a test of where
        #: the token goes names another origin here
        self.link_origin: str | None = None
        self._next_id = 1_000_001
        self._lock = threading.RLock()
        self._released = threading.Event()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        _spec()  # load the description once, before any request is timed

    # lifecycle
    def start(self) -> GitHubServer:
        httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
        httpd.app = self
        self._httpd = httpd
        self._released.clear()
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="ghserver", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()  # wake any reply held back by a delay
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> GitHubServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._httpd is not None, "server not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    # state
    def add_comment(self, user: str, body: str, issue: int = 1) -> Comment:
        with self._lock:
            stamp = _EPOCH + timedelta(minutes=self._next_id - 1_000_000)
            comment = Comment(self._next_id, issue, user, body, stamp, stamp)
            self._next_id += 1
            self.comments.append(comment)
            return comment

    def comments_on(self, issue: int = 1) -> list[Comment]:
        with self._lock:
            return [c for c in self.comments if c.issue == issue]

    def set_pr_files(self, number: int, files: Iterable[str | PRFile]) -> None:
        with self._lock:
            self.pr_files[number] = [PRFile(f) if isinstance(f, str) else f for f in files]

    def set_file(self, ref: str, path: str, content: bytes) -> None:
        with self._lock:
            self.files[(ref, path)] = content

    def inject(self, method: str, path: str, *, status: int | None = None,
               message: str | None = None, headers: Mapping[str, str] | None = None,
               after: bool = False, delay: float = 0.0, times: int | None = 1,
               text: str | None = None) -> Fault:
        """Answer matching requests (``path`` is a glob over the request path) with a fault."""
        fault = Fault(method.upper(), path, status, message, dict(headers or {}), after, delay,
                      times, text=text)
        with self._lock:
            self.faults.append(fault)
        return fault

    def requests_for(self, method: str, path_glob: str = "*") -> list[Request]:
        with self._lock:
            return [r for r in self.requests
                    if r.method == method and fnmatch.fnmatchcase(r.path, path_glob)]

    # request handling (called from handler threads)
    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.matches(method, path):
                    fault.hits += 1
                    return fault
        return None

    def _violation(self, text: str) -> None:
        with self._lock:
            self.violations.append(text)

    def _wait(self, seconds: float) -> None:
        self._released.wait(seconds)

    def handle(self, method: str, target: str, headers: Mapping[str, str],
               raw: bytes) -> tuple[int, dict[str, str], Any]:
        split = urlsplit(target)
        query = parse_qs(split.query, keep_blank_values=True)
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                self._violation(f"{method} {split.path}: request body is not JSON")
        auth = headers.get("Authorization", "")
        authorized = bool(re.fullmatch(r"(token|Bearer) \S+", auth)) and (
            self.token is None or auth.split(" ", 1)[1] == self.token)
        recorded = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        with self._lock:
            self.requests.append(Request(method, split.path, query, recorded, body, authorized))

        route = match_route(method, split.path)
        if route is None:
            self._violation(f"{method} {split.path}: no such route in GitHub's OpenAPI description")
            return self._error(404)
        template, params = route
        self._check_request(method, template, query, body, split.path)
        if not authorized:
            return self._error(401)

        fault = self._take_fault(method, split.path)
        if fault is not None and not fault.after:
            self._wait(fault.delay)
            if fault.status is not None:
                return self._fault_reply(fault)
        status, reply_headers, reply = self._dispatch(method, template, params, query, body,
                                                     split.path)
        if fault is not None and fault.after:
            self._wait(fault.delay)
            if fault.status is not None:
                return self._fault_reply(fault)
        validator = _validator(template, method, str(status))
        if validator is not None and reply is not None:
            for problem in _problems(validator, reply):
                self._violation(f"{method} {split.path}: response {status}: {problem}")
        return status, reply_headers, reply

    def _check_request(self, method: str, template: str, query: Mapping[str, list[str]],
                       body: Any, path: str) -> None:
        op = operation(template, method)
        declared = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "query"}
        for name, values in query.items():
            if name not in declared:
                self._violation(f"{method} {path}: query parameter {name!r} is not declared")
            elif declared[name].get("schema", {}).get("type") == "integer" and not all(
                    v.isdigit() for v in values):
                self._violation(f"{method} {path}: query parameter {name!r} is not an integer")
        validator = _validator(template, method, None)
        if validator is not None:
            if body is None and op["requestBody"].get("required"):
                self._violation(f"{method} {path}: request body required")
            elif body is not None:
                for problem in _problems(validator, body):
                    self._violation(f"{method} {path}: request body: {problem}")
        elif body is not None:
            self._violation(f"{method} {path}: request body sent to an operation without one")

    def _error(self, status: int, message: str | None = None,
               headers: Mapping[str, str] | None = None) -> tuple[int, dict[str, str], Any]:
        return status, dict(headers or {}), {
            "message": message or _MESSAGES.get(status, "Error"),
            "documentation_url": _DOCS, "status": str(status)}

    def _fault_reply(self, fault: Fault) -> tuple[int, dict[str, str], Any]:
        assert fault.status is not None
        if fault.text is not None:
            return fault.status, fault.headers, PlainText(fault.text)
        return self._error(fault.status, fault.message, fault.headers)

    # routes
    def _dispatch(self, method: str, template: str, params: dict[str, str],
                  query: Mapping[str, list[str]], body: Any,
                  path: str) -> tuple[int, dict[str, str], Any]:
        if f"{params.get('owner')}/{params.get('repo')}" != self.repository:
            return self._error(404)
        op_id = operation(template, method)["operationId"]
        handlers = {
            "repos/get": self._get_repo,
            "pulls/get": self._get_pull,
            "issues/list-comments": self._list_comments,
            "issues/create-comment": self._create_comment,
            "issues/update-comment": self._update_comment,
            "issues/delete-comment": self._delete_comment,
            "pulls/list-files": self._list_files,
            "repos/get-content": self._get_content,
            "git/get-blob": self._get_blob,
        }
        handler = handlers.get(op_id)
        if handler is None:
            self._violation(f"{method} {path}: {op_id} is not served by the test server")
            return self._error(404)
        return handler(template, params, query, body, path)

    def _api(self, path: str) -> str:
        return f"{self.url}{path}"

    def _repo_json(self) -> dict[str, Any]:
        owner, name = self.repository.split("/")
        repo: dict[str, Any] = example("/repos/{owner}/{repo}", "get", "200")
        repo.update(name=name, full_name=self.repository,
                    url=self._api(f"/repos/{self.repository}"), html_url=f"https://github.com/{self.repository}")
        repo["owner"].update(login=owner, url=self._api(f"/users/{owner}"))
        return repo

    def _get_repo(self, template: str, params: dict[str, str], query: Mapping[str, list[str]],
                  body: Any, path: str) -> tuple[int, dict[str, str], Any]:
        return 200, {}, self._repo_json()

    def _get_pull(self, template: str, params: dict[str, str], query: Mapping[str, list[str]],
                  body: Any, path: str) -> tuple[int, dict[str, str], Any]:
        number = int(params["pull_number"])
        pull: dict[str, Any] = example(template, "get", "200")
        base = f"/repos/{self.repository}"
        pull.update(number=number, url=self._api(f"{base}/pulls/{number}"),
                    issue_url=self._api(f"{base}/issues/{number}"),
                    comments_url=self._api(f"{base}/issues/{number}/comments"),
                    html_url=f"https://github.com/{self.repository}/pull/{number}",
                    changed_files=len(self.pr_files.get(number, [])))
        return 200, {}, pull

    def _user_json(self, login: str) -> dict[str, Any]:
        user: dict[str, Any] = copy.deepcopy(self._comment_template()["user"])
        uid = int(hashlib.sha256(login.encode()).hexdigest()[:7], 16)
        user.update(login=login, id=uid, url=self._api(f"/users/{login}"),
                    html_url=f"https://github.com/{login}",
                    node_id=base64.b64encode(f"04:User{uid}".encode()).decode(),
                    type="Bot" if login.endswith("[bot]") else "User")
        return user

    @functools.cached_property
    def _comment_tpl(self) -> dict[str, Any]:
        value: dict[str, Any] = example("/repos/{owner}/{repo}/issues/{issue_number}/comments",
                                        "post", "201")
        return value

    def _comment_template(self) -> dict[str, Any]:
        return self._comment_tpl

    def _comment_json(self, comment: Comment) -> dict[str, Any]:
        data = copy.deepcopy(self._comment_template())
        base = f"/repos/{self.repository}"
        data.update(
            id=comment.id, node_id=base64.b64encode(f"IC_{comment.id}".encode()).decode(),
            url=self._api(f"{base}/issues/comments/{comment.id}"),
            html_url=f"https://github.com/{self.repository}/pull/{comment.issue}"
                     f"#issuecomment-{comment.id}",
            issue_url=self._api(f"{base}/issues/{comment.issue}"), body=comment.body,
            user=self._user_json(comment.user),
            created_at=comment.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            updated_at=comment.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            author_association="NONE" if comment.user.endswith("[bot]") else "MEMBER")
        return data

    def _page(self, path: str, query: Mapping[str, list[str]], items: Sequence[T],
              render: Callable[[int, T], Any],
              cap: int | None = None) -> tuple[int, dict[str, str], Any]:
        per_page = max(1, min(100, _number(query, "per_page", 30)))
        page = max(1, _number(query, "page", 1))
        if cap is not None:
            items = items[:cap]
        last = max(1, -(-len(items) // per_page))
        links = []

        def link(number: int, rel: str) -> str:
            params = {k: v[0] for k, v in query.items()}
            params.update(per_page=str(per_page), page=str(number))
            origin = self.link_origin or self.url
            return f'<{origin}{path}?{urlencode(params)}>; rel="{rel}"'

        if page > 1:
            links += [link(page - 1, "prev")]
        if page < last:
            links += [link(page + 1, "next"), link(last, "last")]
        if page > 1:
            links += [link(1, "first")]
        headers = {"Link": ", ".join(links)} if links else {}
        first = (page - 1) * per_page
        return 200, headers, [render(first + offset, item)
                              for offset, item in enumerate(items[first:first + per_page])]

    def _list_comments(self, template: str, params: dict[str, str],
                       query: Mapping[str, list[str]], body: Any,
                       path: str) -> tuple[int, dict[str, str], Any]:
        issue = int(params["issue_number"])
        with self._lock:
            items = sorted(self.comments_on(issue), key=lambda c: c.id)
        return self._page(path, query, items, lambda _, comment: self._comment_json(comment))

    def _create_comment(self, template: str, params: dict[str, str],
                        query: Mapping[str, list[str]], body: Any,
                        path: str) -> tuple[int, dict[str, str], Any]:
        if not isinstance(body, dict) or not isinstance(body.get("body"), str):
            return self._error(422, "Invalid request.\n\n\"body\" wasn't supplied.")
        if len(body["body"]) > 65536:
            return self._error(422, "Validation Failed")
        comment = self.add_comment("github-actions[bot]", body["body"],
                                   int(params["issue_number"]))
        return 201, {"Location": self._comment_json(comment)["url"]}, self._comment_json(comment)

    def _update_comment(self, template: str, params: dict[str, str],
                        query: Mapping[str, list[str]], body: Any,
                        path: str) -> tuple[int, dict[str, str], Any]:
        if not isinstance(body, dict) or not isinstance(body.get("body"), str):
            return self._error(422, "Invalid request.")
        if len(body["body"]) > 65536:
            return self._error(422, "Validation Failed")
        with self._lock:
            found = [c for c in self.comments if c.id == int(params["comment_id"])]
            if not found:
                return self._error(404)
            found[0].body = body["body"]
            found[0].updated_at += timedelta(seconds=1)
            return 200, {}, self._comment_json(found[0])

    def _delete_comment(self, template: str, params: dict[str, str],
                        query: Mapping[str, list[str]], body: Any,
                        path: str) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            found = [c for c in self.comments if c.id == int(params["comment_id"])]
            if not found:
                return self._error(404)
            self.comments.remove(found[0])
            return 204, {}, None

    def _list_files(self, template: str, params: dict[str, str],
                    query: Mapping[str, list[str]], body: Any,
                    path: str) -> tuple[int, dict[str, str], Any]:
        number = int(params["pull_number"])
        row: dict[str, Any] = example(template, "get", "200")[0]

        def render(index: int, entry: PRFile) -> dict[str, Any]:
            item = copy.deepcopy(row)
            sha = hashlib.sha1(f"{entry.filename}{index}".encode()).hexdigest()  # noqa: S324
            item.update(filename=entry.filename, status=entry.status, sha=sha,
                        blob_url=f"https://github.com/{self.repository}/blob/{sha}/{entry.filename}",
                        raw_url=f"https://github.com/{self.repository}/raw/{sha}/{entry.filename}",
                        contents_url=self._api(f"/repos/{self.repository}/contents/"
                                               f"{entry.filename}?ref={sha}"))
            if entry.previous_filename is not None:
                item["previous_filename"] = entry.previous_filename
            return item

        with self._lock:
            files = list(self.pr_files.get(number, []))
        return self._page(path, query, files, render, cap=3000)

    def _blob_sha(self, content: bytes) -> str:
        return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()  # noqa: S324

    def _get_content(self, template: str, params: dict[str, str],
                     query: Mapping[str, list[str]], body: Any,
                     path: str) -> tuple[int, dict[str, str], Any]:
        ref = query.get("ref", ["main"])[0]
        file_path = params["path"]
        with self._lock:
            content = self.files.get((ref, file_path))
            is_dir = content is None and any(
                r == ref and p.startswith(file_path.rstrip("/") + "/") for r, p in self.files)
        if is_dir:
            entries: list[Any] = example(template, "get", "200",
                                         "response-if-content-is-a-directory")
            return 200, {}, entries[:1]
        if content is None:
            return self._error(404)
        data: dict[str, Any] = example(template, "get", "200", "response-if-content-is-a-file")
        sha = self._blob_sha(content)
        small = len(content) <= CONTENTS_LIMIT
        encoded = base64.encodebytes(content).decode() if small else ""
        base = f"/repos/{self.repository}"
        data.update(name=file_path.rsplit("/", 1)[-1], path=file_path, sha=sha, size=len(content),
                    content=encoded, encoding="base64" if small else "none",
                    url=self._api(f"{base}/contents/{file_path}?ref={ref}"),
                    git_url=self._api(f"{base}/git/blobs/{sha}"),
                    html_url=f"https://github.com/{self.repository}/blob/{ref}/{file_path}",
                    download_url=None)
        data["_links"] = {"git": data["git_url"], "self": data["url"], "html": data["html_url"]}
        return 200, {}, data

    def _get_blob(self, template: str, params: dict[str, str], query: Mapping[str, list[str]],
                  body: Any, path: str) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            blobs = {self._blob_sha(c): c for c in self.files.values()}
        content = blobs.get(params["file_sha"])
        if content is None:
            return self._error(404)
        data: dict[str, Any] = example(template, "get", "200")
        data.update(content=base64.encodebytes(content).decode(), encoding="base64",
                    sha=params["file_sha"], size=len(content),
                    url=self._api(f"/repos/{self.repository}/git/blobs/{params['file_sha']}"),
                    node_id=base64.b64encode(params["file_sha"].encode()).decode())
        return 200, {}, data


def _number(query: Mapping[str, list[str]], name: str, default: int) -> int:
    value = query.get(name, [""])[0]
    return int(value) if value.isdigit() else default


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer
    timeout = 10

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        app = self.server.app
        try:
            status, headers, body = app.handle(self.command, self.path,
                                               dict(self.headers.items()), raw)
        except Exception as exc:  # a bug in the test server must fail the test, not hang it
            app._violation(f"{self.command} {self.path}: test server error: {exc!r}")
            status, headers, body = app._error(500)
        plain = isinstance(body, PlainText)
        payload = (body.text.encode() if isinstance(body, PlainText)
                   else b"" if body is None else json.dumps(body).encode())
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8" if plain
                             else "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("X-GitHub-Media-Type", "github.v3; format=json")
            self.send_header("X-GitHub-Api-Version-Selected", "2022-11-28")
            if "x-ratelimit-remaining" not in {k.lower() for k in headers}:
                self.send_header("X-RateLimit-Limit", "5000")
                self.send_header("X-RateLimit-Remaining", "4999")
                self.send_header("X-RateLimit-Reset", "4102444800")
                self.send_header("X-RateLimit-Resource", "core")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test); nothing left to tell it

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def github_server() -> Iterator[GitHubServer]:
    """A started server; fails the test if any request or reply broke GitHub's description."""
    server = GitHubServer().start()
    try:
        yield server
    finally:
        server.stop()
    assert server.violations == []
