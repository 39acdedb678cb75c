"""A base image read from a real registry on loopback (Debian's ``docker-registry``, bearer
tokens from the tests' token server; ``tests/size/registry_server.py``): only the layers the
head lacks are downloaded, sizes are exact, an index gives the head's platform and lists the
others, and the job token goes to GitHub's registry hosts only, never to a token realm the
registry names on another host."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
from pathlib import Path

import pytest

from lint.inputs import Secret
from lint.size.measure import HistoryEntry, Layer
from lint.size.registry import Client, Credentials, RegistryError, read_docker_config
from tests.size.conftest import GITHUB_TOKEN
from tests.size.registry_server import Registry, layer_tar

pytestmark = pytest.mark.slow  # a registry process per test

ALICE = Credentials("alice", Secret("alice-password"))
ROOT = layer_tar({"bin/tool": b"t" * 1_000, "etc/passwd": b"root:x:0:0::/:/bin/sh\n"})
A = layer_tar({"a": os.urandom(5_000)})
B = layer_tar({"b": os.urandom(3_000)})
SHA = "0123456789abcdef0123456789abcdef01234567"


def diff_id(tar: bytes) -> str:
    return "sha256:" + hashlib.sha256(tar).hexdigest()


def blob_digest(tar: bytes) -> str:
    return "sha256:" + hashlib.sha256(gzip.compress(tar, 6, mtime=0)).hexdigest()


def push_app(registry: Registry, tag: str = "main", platform: str = "linux/amd64",
             layers: tuple[bytes, ...] = (ROOT, A, B)) -> tuple[str, int]:
    return registry.push_image("org/app", tag, list(layers),
                               ["", "RUN make a", "COPY b /b # buildkit"][:len(layers)],
                               platform=platform,
                               labels={"org.opencontainers.image.revision": SHA})


def test_only_the_layers_the_head_lacks_are_downloaded(registry: Registry) -> None:
    digest, _ = push_app(registry)
    # The head shares the root and A (same diff ids): their sizes come from the head.
    known = {diff_id(ROOT): Layer(diff_id(ROOT), 1_000 + 22), diff_id(A): Layer(diff_id(A), 5_000)}
    client = Client(ALICE)
    found = client.fetch(f"{registry.host}/org/app:main", known, "linux/amd64")
    assert found.digest == digest and found.platform == "linux/amd64"
    assert found.downloaded == (blob_digest(B),)
    assert found.downloaded_bytes == len(gzip.compress(B, 6, mtime=0))
    assert [(layer.diff_id, layer.size) for layer in found.image.layers] == [
        (diff_id(ROOT), 1_022), (diff_id(A), 5_000), (diff_id(B), 3_000)]
    assert found.image.layers[2].files == (("b", 3_000),)
    assert found.image.history == (HistoryEntry("", 0), HistoryEntry("RUN", 1),
                                   HistoryEntry("COPY", 2))
    assert found.compressed == {diff_id(t): len(gzip.compress(t, 6, mtime=0))
                                for t in (ROOT, A, B)}
    assert (found.revision, found.revision_from) == (SHA, "label")
    assert client.sent_token_to == []
    # Nothing known: every layer is read, and the sizes are the files' bytes.
    everything = Client(ALICE).fetch(f"{registry.host}/org/app@{digest}", {}, "linux/amd64")
    assert [layer.size for layer in everything.image.layers] == [1_022, 5_000, 3_000]
    assert len(everything.downloaded) == 3


def test_an_index_gives_the_head_platform_and_lists_the_others(registry: Registry) -> None:
    amd, amd_size = push_app(registry, tag="", platform="linux/amd64")
    arm_layers = (ROOT, layer_tar({"a": os.urandom(7_000)}))
    arm, arm_size = push_app(registry, tag="", platform="linux/arm64/v8", layers=arm_layers)
    index = registry.push_index("org/app", "multi", [("linux/amd64", amd, amd_size),
                                                     ("linux/arm64/v8", arm, arm_size)])
    found = Client(ALICE).fetch(f"{registry.host}/org/app:multi", {}, "linux/arm64")
    assert found.digest == index and found.platform == "linux/arm64/v8"
    assert [layer.size for layer in found.image.layers] == [1_022, 7_000]
    amd_compressed = sum(len(gzip.compress(t, 6, mtime=0)) for t in (ROOT, A, B))
    assert [(o.platform, o.compressed) for o in found.others] == [("linux/amd64",
                                                                   amd_compressed)]
    with pytest.raises(RegistryError) as caught:
        Client(ALICE).fetch(f"{registry.host}/org/app:multi", {}, "linux/s390x")
    assert str(caught.value) == (f"{registry.host}/org/app:multi: the index has no linux/s390x "
                                 "image (it has linux/amd64, linux/arm64/v8)")


def _tokens_seen(registry: Registry) -> list[str]:
    """What reached the token server, Basic credentials decoded."""
    out = []
    for header in registry.tokens.seen:
        out.append(base64.b64decode(header[6:]).decode() if header.startswith("Basic ")
                   else header)
    return out


def test_the_job_token_never_goes_to_a_realm_on_another_host(registry: Registry) -> None:
    push_app(registry)
    registry.tokens.seen.clear()
    ref = f"{registry.host}/org/app:main"
    realm = f"127.0.0.1:{registry.tokens.port}"
    token = Credentials(github_token=Secret(GITHUB_TOKEN))
    # The registry is a "GitHub host", its realm (another loopback port) is not.
    client = Client(token, token_hosts=frozenset({registry.host}))
    with pytest.raises(RegistryError) as caught:
        client.fetch(ref, {}, "linux/amd64")
    assert caught.value.status == 401 and GITHUB_TOKEN not in str(caught.value)
    assert client.sent_token_to == []
    assert _tokens_seen(registry) == [""]  # asked anonymously, granted nothing
    # Only the realm is a GitHub host: the registry is not, so nothing is sent either.
    registry.tokens.seen.clear()
    client = Client(token, token_hosts=frozenset({realm}))
    with pytest.raises(RegistryError):
        client.fetch(ref, {}, "linux/amd64")
    assert client.sent_token_to == [] and _tokens_seen(registry) == [""]
    # Both are: the token goes to the realm, and the image is read.
    registry.tokens.seen.clear()
    client = Client(token, token_hosts=frozenset({registry.host, realm}))
    assert len(client.fetch(ref, {}, "linux/amd64").image.layers) == 3
    assert client.sent_token_to == [realm]
    assert _tokens_seen(registry) == [f"x-access-token:{GITHUB_TOKEN}"]
    # The default set is GitHub's own registry: a loopback registry never gets the token.
    registry.tokens.seen.clear()
    with pytest.raises(RegistryError):
        Client(token).fetch(ref, {}, "linux/amd64")
    assert _tokens_seen(registry) == [""]


def test_refusals_say_what_and_never_the_password(registry: Registry) -> None:
    push_app(registry)
    wrong = Credentials("alice", Secret("not-her-password"))
    with pytest.raises(RegistryError) as caught:
        Client(wrong).fetch(f"{registry.host}/org/app:main", {}, "linux/amd64")
    assert str(caught.value) == (f"{registry.host}/org/app:main: the token realm refused "
                                 "(HTTP 401)")
    with pytest.raises(RegistryError) as caught:
        Client(ALICE).fetch(f"{registry.host}/org/nothing:main", {}, "linux/amd64")
    assert caught.value.status == 404
    assert "not-her-password" not in repr(wrong) and "alice-password" not in repr(ALICE)


def test_the_download_bound(registry: Registry) -> None:
    push_app(registry)
    known = {diff_id(ROOT): Layer(diff_id(ROOT), 1_022)}
    small = Client(ALICE, max_layer_bytes=len(gzip.compress(A, 6, mtime=0)) + 10)
    with pytest.raises(RegistryError) as caught:
        small.fetch(f"{registry.host}/org/app:main", known, "linux/amd64")
    assert "exceed the download bound" in str(caught.value)


def test_credentials_from_a_docker_config_in_the_workspace(registry: Registry,
                                                            tmp_path: Path) -> None:
    push_app(registry)
    workspace = tmp_path / "ws"
    (workspace / ".docker").mkdir(parents=True)
    auth = base64.b64encode(b"alice:alice-password").decode()
    (workspace / ".docker" / "config.json").write_text(json.dumps(
        {"auths": {registry.host: {"auth": auth}, "https://index.docker.io/v1/": {"auth": auth}},
         "credsStore": "desktop"}))
    auths = read_docker_config(Path(".docker"), workspace)
    assert sorted(auths) == sorted(["docker.io", registry.host])
    found = Client(Credentials(auths=auths)).fetch(f"{registry.host}/org/app:main", {},
                                                   "linux/amd64")
    assert len(found.downloaded) == 3
    (tmp_path / "outside").mkdir()
    (workspace / "link").symlink_to(tmp_path / "outside")
    (tmp_path / "outside" / "config.json").write_text(json.dumps({"auths": {}}))
    for folder in ("link", "../outside"):
        with pytest.raises(RegistryError) as caught:
            read_docker_config(Path(folder), workspace)
        assert str(caught.value).endswith("docker-config must be a folder inside the workspace")


def test_no_credentials_follow_a_redirect_to_another_host() -> None:
    """Registries hand blobs out through redirects to storage (S3, a CDN). The loopback
    registry stores on disk and never redirects, so this one is a small server of the test's
    own: it asks for Basic credentials and redirects the config blob to another port, which
    records what it is sent."""
    import http.server
    import threading

    config = json.dumps({"os": "linux", "architecture": "amd64",
                         "rootfs": {"type": "layers", "diff_ids": []}, "history": []}).encode()
    config_digest = "sha256:" + hashlib.sha256(config).hexdigest()
    manifest = json.dumps({"schemaVersion": 2,
                           "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": config_digest, "size": len(config)},
                           "layers": []}).encode()
    seen: list[tuple[str, str]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            port = self.server.server_address[1]  # type: ignore[index]
            auth = self.headers.get("Authorization", "")
            seen.append((f"{port}{self.path}", auth))
            if port == storage.server_address[1]:
                body = config
            elif not auth:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="test"')
                self.end_headers()
                return
            elif "/blobs/" in self.path:
                self.send_response(307)
                self.send_header("Location",
                                 f"http://127.0.0.1:{storage.server_address[1]}/stored")
                self.end_headers()
                return
            else:
                body = manifest
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    front = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    storage = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    for server in (front, storage):
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        host = f"127.0.0.1:{front.server_address[1]}"
        found = Client(ALICE).fetch(f"{host}/org/app:main", {}, "linux/amd64")
    finally:
        for server in (front, storage):
            server.shutdown()
            server.server_close()
    assert found.image.layers == () and found.platform == "linux/amd64"
    basic = "Basic " + base64.b64encode(b"alice:alice-password").decode()
    front_port, storage_port = front.server_address[1], storage.server_address[1]
    assert seen == [(f"{front_port}/v2/org/app/manifests/main", ""),
                    (f"{front_port}/v2/org/app/manifests/main", basic),
                    (f"{front_port}/v2/org/app/blobs/{config_digest}", basic),
                    (f"{storage_port}/stored", "")]
