"""The registry edge: read a published image over the OCI distribution API (Docker Registry HTTP
API v2) with ``requests``, raising one named error.

What it fetches, in order: the reference's manifest (an index is followed to the head's
platform, ``PlatformMissing`` when it has none, and the other platforms' manifests are read for
their sizes), the config blob, and
only the layer blobs whose ``diff_id`` the head does not have; each of those is streamed,
decompressed as it comes and read by ``lint.size.measure.scan_layer``, so it is never stored.
Manifests, configs and blobs are checked against their sha256 digests. ``lint.size.published``
decides everything else.

**Bounds.** Every request has a connect and a read timeout, the whole image a deadline;
a manifest may hold at most ``MAX_MANIFEST`` bytes, a config ``MAX_CONFIG``, a token answer
``MAX_TOKEN``, an index ``MAX_PLATFORMS`` platforms, and the layers read at most
``max_layer_bytes`` compressed bytes in all (the step's ``registry-max-download``).

**Credentials.** A container action does not see the runner's docker logins, so they come from
inputs: ``registry-username``/``registry-password`` (for the registries of the ``base-image``
references) or the ``auths`` of a ``config.json`` in a folder inside the workspace
(``docker-config``, as ``docker/login-action`` writes it with ``DOCKER_CONFIG`` set; credential
helpers are not run). They answer a ``Basic`` challenge of the registry itself, or go to the
token realm a ``Bearer`` challenge names, as the docker client sends them (Docker Hub's realm is
another host than its registry). The job's ``github-token`` is different: it is sent only to
hosts of ``token_hosts`` (``GITHUB_HOSTS``: the GitHub container registry, whose token realm is
``https://ghcr.io/token``), as the registry's own ``Basic`` answer or to a realm on such a host;
a challenge naming a realm elsewhere gets the request without it. ``token_hosts`` is a
constructor parameter, never read from the environment, so only a test can widen it.
No ``Authorization`` header follows a redirect to another host (blob storage), and plain HTTP is
used only for loopback registries (Docker's own default for ``127.0.0.0/8``); a realm must be
HTTPS unless it is on loopback.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import requests

from lint.inputs import Secret
from lint.size import published
from lint.size.measure import Layer, MeasureError, platform_of, scan_layer
from lint.size.published import Blob, Platform, Published, PublishedError, Reference

GITHUB_HOSTS = frozenset({"ghcr.io"})
TIMEOUT = (10.0, 60.0)  # connect, read (seconds)
DEADLINE = 600.0  # one image, all requests
MAX_MANIFEST = 4 << 20
MAX_CONFIG = 8 << 20
MAX_TOKEN = 1 << 20
MAX_PLATFORMS = 32
MAX_REDIRECTS = 5
MAX_DOCKER_CONFIG = 1 << 20
_CHUNK = 1 << 20
_PARAM = re.compile(r'([A-Za-z_]+)\s*=\s*"([^"]*)"')


class RegistryError(Exception):
    """A registry request failed: which reference, what was asked, and the HTTP status
    (``None``: no answer). The message never holds a credential."""

    def __init__(self, reference: str, what: str, status: int | None = None) -> None:
        self.reference, self.what, self.status = reference, what, status
        super().__init__(f"{reference}: {what}" + (f" (HTTP {status})" if status else ""))


class PlatformMissing(RegistryError):
    """The reference is an index without an image for the platform asked for."""

    def __init__(self, reference: str, want: str, available: tuple[str, ...]) -> None:
        self.want, self.available = want, available
        super().__init__(reference, f"the index has no {want} image (it has "
                                    f"{', '.join(available) or 'none'})")


@dataclass(frozen=True)
class Credentials:
    """What may be sent where (see the module's docstring)."""

    username: str = ""
    password: Secret = field(default_factory=lambda: Secret(""), repr=False)
    auths: Mapping[str, tuple[str, Secret]] = field(default_factory=dict, repr=False)
    github_token: Secret = field(default_factory=lambda: Secret(""), repr=False)
    github_user: str = "x-access-token"

    def user(self, registry: str) -> tuple[str, Secret] | None:
        """The user's own credentials for ``registry`` (inputs first, then config.json)."""
        if self.username and self.password:
            return self.username, self.password
        return self.auths.get(registry)


def _hostport(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    default = {"https": 443, "http": 80}.get(parts.scheme)
    port = parts.port
    return f"{host}:{port}" if port and port != default else host


def loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    name = name.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def read_docker_config(folder: Path, workspace: Path) -> dict[str, tuple[str, Secret]]:
    """The ``auths`` of ``folder/config.json`` by registry host; the folder must be inside the
    workspace (symlinks resolved). Entries without a plain ``auth`` (credential helpers,
    identity tokens) are left out."""
    root = workspace.resolve()
    path = (workspace / folder / "config.json").resolve()
    if root not in path.parents:
        raise RegistryError(str(folder), "docker-config must be a folder inside the workspace")
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read(MAX_DOCKER_CONFIG + 1)[:MAX_DOCKER_CONFIG])
    except (OSError, ValueError):
        raise RegistryError(str(folder), "docker-config: config.json is missing or not JSON"
                            ) from None
    out: dict[str, tuple[str, Secret]] = {}
    auths = data.get("auths") if isinstance(data, dict) else None
    for key, entry in (auths or {}).items() if isinstance(auths, dict) else ():
        if not isinstance(entry, dict):
            continue
        user, password = str(entry.get("username") or ""), str(entry.get("password") or "")
        if isinstance(entry.get("auth"), str):
            try:
                user, _, password = base64.b64decode(entry["auth"]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                continue
        if user and password:
            host = _hostport(key if "://" in key else f"https://{key}")
            out["docker.io" if host == "index.docker.io" else host] = (user, Secret(password))
    return out


class _Stream:
    """A response body read raw, counted against a bound and a deadline, hashed as it goes."""

    def __init__(self, response: requests.Response, limit: int, deadline: float,
                 reference: str, what: str) -> None:
        self._raw = response.raw
        self._left = limit
        self._deadline = deadline
        self._ref, self._what = reference, what
        self.sha256 = hashlib.sha256()
        self.count = 0

    def read(self, size: int = -1) -> bytes:
        if time.monotonic() > self._deadline:
            raise RegistryError(self._ref, f"{self._what}: took longer than the deadline")
        want = _CHUNK if size < 0 else min(size, _CHUNK)
        try:
            data = self._raw.read(want, decode_content=False) or b""
        except (requests.RequestException, OSError, ValueError) as exc:
            raise RegistryError(self._ref, f"{self._what}: {type(exc).__name__}") from None
        self.count += len(data)
        self._left -= len(data)
        if self._left < 0:
            raise RegistryError(self._ref, f"{self._what}: larger than its bound")
        self.sha256.update(data)
        return data

    def drain(self) -> None:
        while self.read(_CHUNK):
            pass


class Client:
    """Reads published images. One session; tokens are kept per registry and repository."""

    def __init__(self, credentials: Credentials | None = None, *,
                 token_hosts: frozenset[str] = GITHUB_HOSTS,
                 timeout: tuple[float, float] = TIMEOUT, deadline: float = DEADLINE,
                 max_layer_bytes: int = 2 << 30) -> None:
        self._creds = credentials or Credentials()
        self._token_hosts = frozenset(h.lower() for h in token_hosts)
        self._timeout = timeout
        self._deadline_seconds = deadline
        self._max_layer_bytes = max_layer_bytes
        self._session = requests.Session()
        self._session.trust_env = False  # no proxy or netrc from the environment
        self._auth: dict[tuple[str, str], str] = {}
        self.sent_token_to: list[str] = []  # hosts the github token went to (tests read it)

    def close(self) -> None:
        self._session.close()

    def fetch(self, text: str, known: Mapping[str, Layer], want_platform: str) -> Published:
        """The image ``text`` names, for ``want_platform``; layers in ``known`` (by diff id)
        are not downloaded."""
        try:
            ref = published.parse_reference(text)
        except PublishedError as exc:
            raise RegistryError(text, str(exc)) from None
        deadline = time.monotonic() + self._deadline_seconds
        try:
            return self._fetch(text, ref, known, want_platform, deadline)
        except PublishedError as exc:
            raise RegistryError(text, str(exc)) from None
        except requests.RequestException as exc:
            raise RegistryError(text, f"no answer ({type(exc).__name__})") from None

    def _fetch(self, text: str, ref: Reference, known: Mapping[str, Layer], want: str,
               deadline: float) -> Published:
        top, top_digest = self._manifest(text, ref, ref.selector, deadline)
        if ref.digest and top_digest != ref.digest:
            raise RegistryError(text, "the manifest does not match the reference's digest")
        manifest, platform = top, ""
        others: tuple[Platform, ...] = ()
        if published.is_index(top):
            children = published.platforms(top)[:MAX_PLATFORMS]
            chosen = published.choose(children, want)
            if chosen is None:
                raise PlatformMissing(text, want, tuple(p for p, _ in children))
            platform = chosen[0]
            manifest, _ = self._manifest(text, ref, str(chosen[1]["digest"]), deadline)
            if published.is_index(manifest):
                raise RegistryError(text, "an index inside an index is not read")
            others = tuple(self._other(text, ref, p, c, deadline) for p, c in children
                           if c is not chosen[1])
        blobs = published.layer_blobs(manifest)
        config_digest, config_size = published.config_digest(manifest)
        if config_size > MAX_CONFIG:
            raise RegistryError(text, f"the config is larger than {MAX_CONFIG} bytes")
        config = self._json_blob(text, ref, config_digest, MAX_CONFIG, deadline)
        ids = published.diff_ids(config, blobs)
        layers: dict[str, Layer] = {i: known[i] for i in ids if i in known}
        budget = self._max_layer_bytes
        fetched: list[str] = []
        for diff_id, blob in published.to_fetch(ids, blobs, known):
            if blob.size > budget:
                raise RegistryError(text, f"its layers not in the head exceed the download "
                                          f"bound of {self._max_layer_bytes} bytes")
            layers[diff_id] = self._layer(text, ref, diff_id, blob, deadline)
            budget -= blob.size
            fetched.append(blob.digest)
        revision, how = published.revision(config, ref)
        return Published(
            reference=text, digest=top_digest, platform=platform or platform_of(config),
            image=published.image(config, ids, layers),
            compressed={i: b.size for i, b in zip(ids, blobs, strict=True)},
            revision=revision, revision_from=how, others=others, downloaded=tuple(fetched),
            downloaded_bytes=self._max_layer_bytes - budget)

    def _other(self, text: str, ref: Reference, platform: str, child: Mapping[str, Any],
               deadline: float) -> Platform:
        manifest, _ = self._manifest(text, ref, str(child["digest"]), deadline)
        return Platform(platform, sum(b.size for b in published.layer_blobs(manifest)))

    def _url(self, ref: Reference, path: str) -> str:
        scheme = "http" if loopback(ref.api_host) else "https"
        return f"{scheme}://{ref.api_host}/v2/{ref.repository}/{path}"

    def _manifest(self, text: str, ref: Reference, selector: str, deadline: float
                  ) -> tuple[dict[str, Any], str]:
        expected = selector if selector.startswith("sha256:") else None
        return self._json(text, ref, f"manifests/{selector}",
                          ", ".join(published.MANIFEST_TYPES), MAX_MANIFEST, deadline,
                          "the manifest", expected, f"manifest {selector[:19]}")

    def _json_blob(self, text: str, ref: Reference, digest: str, limit: int,
                   deadline: float) -> dict[str, Any]:
        value, _ = self._json(text, ref, f"blobs/{digest}", None, limit, deadline,
                              "the config", digest, f"blob {digest[:19]}")
        return value

    def _json(self, text: str, ref: Reference, path: str, accept: str | None, limit: int,
              deadline: float, what: str, expected: str | None, named: str
              ) -> tuple[dict[str, Any], str]:
        """The JSON object at ``path`` (at most ``limit`` bytes) and its digest, which must be
        ``expected`` when one is given (``named`` in the error)."""
        response = self._get(text, ref, self._url(ref, path), accept, deadline)
        with response:
            body = _Stream(response, limit, deadline, text, what)
            data = b"".join(iter(lambda: body.read(_CHUNK), b""))
        digest = "sha256:" + body.sha256.hexdigest()
        if expected is not None and digest != expected:
            raise RegistryError(text, f"{named} does not match its digest")
        try:
            value = json.loads(data)
        except ValueError:
            raise RegistryError(text, f"{what} is not JSON") from None
        if not isinstance(value, dict):
            raise RegistryError(text, f"{what} is not a JSON object")
        return value, digest

    def _layer(self, text: str, ref: Reference, diff_id: str, blob: Blob,
               deadline: float) -> Layer:
        response = self._get(text, ref, self._url(ref, f"blobs/{blob.digest}"), None, deadline)
        with response:
            body = _Stream(response, blob.size, deadline, text, f"layer {blob.digest[:19]}")
            try:
                layer = scan_layer(body, diff_id, blob.digest)
            except MeasureError as exc:
                raise RegistryError(text, f"layer {blob.digest[:19]}: {exc}") from None
            body.drain()
        if body.count != blob.size or "sha256:" + body.sha256.hexdigest() != blob.digest:
            raise RegistryError(text, f"layer {blob.digest[:19]} does not match its digest")
        return layer

    def _get(self, text: str, ref: Reference, url: str, accept: str | None,
             deadline: float) -> requests.Response:
        key = (ref.api_host, ref.repository)
        for attempt in range(2):
            if time.monotonic() > deadline:
                raise RegistryError(text, "took longer than the deadline")
            headers = {"Accept": accept} if accept else {}
            if key in self._auth:
                headers["Authorization"] = self._auth[key]
            response = self._follow(url, headers)
            if response.status_code == 401 and attempt == 0:
                challenge = response.headers.get("WWW-Authenticate", "")
                response.close()
                self._auth[key] = self._authorize(text, ref, challenge)
                continue
            if response.status_code != 200:
                response.close()
                what = {401: "the registry refused the credentials",
                        403: "access denied", 404: "not found"}.get(response.status_code,
                                                                    "the registry answered")
                raise RegistryError(text, f"{what}: {urlsplit(url).path}", response.status_code)
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def _follow(self, url: str, headers: dict[str, str]) -> requests.Response:
        """GET with redirects followed by hand: the ``Authorization`` header stays with the
        host it was made for, and HTTPS never turns into plain HTTP off loopback."""
        headers = dict(headers)
        for _ in range(MAX_REDIRECTS + 1):
            response = self._session.get(url, headers=headers, timeout=self._timeout,
                                         stream=True, allow_redirects=False)
            if not response.is_redirect:
                return response
            target = urljoin(url, response.headers.get("Location", ""))
            response.close()
            if urlsplit(target).scheme not in ("https", "http") or (
                    urlsplit(target).scheme == "http" and not loopback(_hostport(target))):
                raise RegistryError(url, "a redirect to a URL that is not HTTPS")
            if _hostport(target) != _hostport(url):
                headers.pop("Authorization", None)
            url = target
        raise RegistryError(url, "too many redirects")

    def _github(self, host: str) -> tuple[str, Secret] | None:
        if self._creds.github_token and host.lower() in self._token_hosts:
            return self._creds.github_user, self._creds.github_token
        return None

    def _authorize(self, text: str, ref: Reference, challenge: str) -> str:
        scheme, _, rest = challenge.strip().partition(" ")
        params = dict(_PARAM.findall(rest))
        user = self._creds.user(ref.registry)
        if scheme.lower() == "basic":
            creds = user or self._github(ref.api_host)
            if creds is None:
                raise RegistryError(text, "the registry asks for credentials and none were "
                                          "given (registry-username, docker-config)", 401)
            if creds is not user:
                self.sent_token_to.append(ref.api_host)
            return _basic(creds)
        if scheme.lower() != "bearer" or not params.get("realm"):
            raise RegistryError(text, "the registry asks for an unknown kind of authentication",
                                401)
        realm = params["realm"]
        realm_host = _hostport(realm)
        realm_scheme = urlsplit(realm).scheme
        if realm_scheme != "https" and not (realm_scheme == "http" and loopback(realm_host)):
            raise RegistryError(text, "the registry's token realm is not HTTPS", 401)
        # The job token only to GitHub's own hosts: the registry's and the realm's.
        creds = user or (self._github(realm_host) if self._github(ref.api_host) else None)
        query = {"scope": f"repository:{ref.repository}:pull"}
        if params.get("service"):
            query["service"] = params["service"]
        headers = {"Authorization": _basic(creds)} if creds else {}
        if creds is not None and creds is not user:
            self.sent_token_to.append(realm_host)
        separator = "&" if "?" in realm else "?"
        response = self._session.get(realm + separator + urlencode(query), headers=headers,
                                     timeout=self._timeout, stream=True, allow_redirects=False)
        with response:
            if response.status_code != 200:
                raise RegistryError(text, "the token realm refused", response.status_code)
            body = _Stream(response, MAX_TOKEN, time.monotonic() + self._timeout[1], text,
                           "the token")
            data = b"".join(iter(lambda: body.read(_CHUNK), b""))
        try:
            answer = json.loads(data)
            token = answer.get("token") or answer.get("access_token")
        except (ValueError, AttributeError):
            token = None
        if not isinstance(token, str) or not token:
            raise RegistryError(text, "the token realm answered without a token")
        return f"Bearer {token}"


def _basic(creds: tuple[str, Secret]) -> str:
    pair = f"{creds[0]}:{creds[1].reveal()}".encode()
    return "Basic " + base64.b64encode(pair).decode()


__all__ = ["GITHUB_HOSTS", "Client", "Credentials", "RegistryError", "loopback",
           "read_docker_config"]
