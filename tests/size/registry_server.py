"""A real registry on loopback for the tests: Debian's ``docker-registry`` (the distribution
project, 2.8) with bearer-token auth, a small token server written here, and a pusher that
speaks the registry HTTP API (monolithic blob upload, manifest PUT), since the 20.10 client
cannot push an index.

The token server signs RS256 JWTs with a key made by ``cryptography``; the registry trusts the
key's self-signed certificate (``auth.token.rootcertbundle``) and finds it by the JWT header's
``kid``, the libtrust fingerprint of the public key (distribution's ``registry/auth/token``).
It grants what is asked to users it knows (``Basic`` user and password) and nothing to anyone
else, and records every request's ``Authorization`` header so a test can see who sent what.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import hashlib
import http.server
import io
import json
import shutil
import socket
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

BINARY = shutil.which("docker-registry") or "/usr/bin/docker-registry"
SERVICE = "registry.test"
ISSUER = "token.test"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def libtrust_kid(key: rsa.RSAPublicKey) -> str:
    der = key.public_bytes(serialization.Encoding.DER,
                           serialization.PublicFormat.SubjectPublicKeyInfo)
    text = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(text[i:i + 4] for i in range(0, len(text), 4))


@dataclass
class TokenServer:
    """Issues tokens for the registry; ``seen`` holds each request's Authorization header."""

    users: Mapping[str, str]
    key: rsa.RSAPrivateKey
    port: int = 0
    seen: list[str] = field(default_factory=list)
    _server: http.server.ThreadingHTTPServer | None = None

    def token(self, scope: str, subject: str) -> str:
        access = []
        for item in filter(None, scope.split(" ")):
            kind, _, rest = item.partition(":")
            name, _, actions = rest.rpartition(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "kid": libtrust_kid(self.key.public_key())}
        claims = {"iss": ISSUER, "sub": subject, "aud": SERVICE, "exp": now + 300,
                  "nbf": now - 10, "iat": now, "jti": _b64(hashlib.sha256(
                      f"{now}{scope}{subject}".encode()).digest()[:12]), "access": access}
        signing = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        signature = self.key.sign(signing.encode(), padding.PKCS1v15(), hashes.SHA256())
        return f"{signing}.{_b64(signature)}"

    def start(self) -> None:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                auth = self.headers.get("Authorization", "")
                owner.seen.append(auth)
                query = parse_qs(urlsplit(self.path).query)
                user = ""
                if auth.startswith("Basic "):
                    name, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                    if owner.users.get(name) != password:
                        self.send_response(401)
                        self.end_headers()
                        return
                    user = name
                scope = " ".join(query.get("scope", [])) if user else ""
                body = json.dumps({"token": owner.token(scope, user or "anonymous")}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@dataclass
class Registry:
    """A running ``docker-registry`` on 127.0.0.1 and its token server."""

    host: str  # 127.0.0.1:<port>
    tokens: TokenServer
    user: str
    password: str
    process: subprocess.Popen[bytes]

    def _auth(self, repository: str) -> dict[str, str]:
        basic = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
        response = requests.get(
            f"http://127.0.0.1:{self.tokens.port}/token",
            params={"service": SERVICE, "scope": f"repository:{repository}:pull,push"},
            headers={"Authorization": f"Basic {basic}"}, timeout=10)
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['token']}"}

    def push_blob(self, repository: str, data: bytes) -> str:
        """A monolithic upload: POST, then PUT with the digest."""
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        auth = self._auth(repository)
        start = requests.post(f"http://{self.host}/v2/{repository}/blobs/uploads/",
                              headers=auth, timeout=30)
        assert start.status_code == 202, start.text
        location = start.headers["Location"]
        if location.startswith("/"):
            location = f"http://{self.host}{location}"
        done = requests.put(location, params={"digest": digest}, data=data,
                            headers={**auth, "Content-Type": "application/octet-stream"},
                            timeout=60)
        assert done.status_code == 201, done.text
        return digest

    def push_manifest(self, repository: str, reference: str, manifest: dict[str, Any]) -> str:
        body = json.dumps(manifest).encode()
        response = requests.put(
            f"http://{self.host}/v2/{repository}/manifests/{reference}", data=body,
            headers={**self._auth(repository), "Content-Type": manifest["mediaType"]},
            timeout=30)
        assert response.status_code == 201, response.text
        return "sha256:" + hashlib.sha256(body).hexdigest()

    def push_image(self, repository: str, tag: str | None, layers: Sequence[bytes],
                   history: Sequence[str], *, platform: str = "linux/amd64",
                   labels: Mapping[str, str] | None = None) -> tuple[str, int]:
        """An image from uncompressed layer tars (gzipped here) with one history entry per
        ``created_by`` (``""``: an entry without a layer is not made). Returns the manifest's
        digest and size."""
        os_name, arch, *variant = platform.split("/")
        zipped = [gzip.compress(layer, 6, mtime=0) for layer in layers]
        config = {
            "architecture": arch, "os": os_name, **({"variant": variant[0]} if variant else {}),
            "config": {"Labels": dict(labels or {})},
            "rootfs": {"type": "layers", "diff_ids": [
                "sha256:" + hashlib.sha256(layer).hexdigest() for layer in layers]},
            "history": [{"created_by": text} for text in history],
        }
        config_bytes = json.dumps(config).encode()
        manifest = {
            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": {"mediaType": OCI_CONFIG, "size": len(config_bytes),
                       "digest": self.push_blob(repository, config_bytes)},
            "layers": [{"mediaType": OCI_LAYER, "size": len(z),
                        "digest": self.push_blob(repository, z)} for z in zipped],
        }
        body = json.dumps(manifest).encode()
        digest = self.push_manifest(repository, tag or "sha256:" + hashlib.sha256(body)
                                    .hexdigest(), manifest)
        return digest, len(body)

    def push_saved(self, saved: Path, tag: str, repository: str, reference: str
                   ) -> tuple[str, list[int]]:
        """The image ``tag`` of a ``docker save`` archive, pushed as an OCI manifest: its config
        as it is, its layers gzipped (level 6) unless they already are. Returns the manifest's
        digest and the compressed size of each layer."""
        from lint.size.measure import reference as normal

        with tarfile.open(saved) as tar:
            manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
            entry = next(e for e in manifest
                         if normal(tag) in [normal(t) for t in e.get("RepoTags") or []])
            config = tar.extractfile(entry["Config"]).read()  # type: ignore[union-attr]
            layers = []
            for name in entry["Layers"]:
                data = tar.extractfile(name).read()  # type: ignore[union-attr]
                layers.append(data if data[:2] == b"\x1f\x8b"
                              else gzip.compress(data, 6, mtime=0))
        body = {"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": {"mediaType": OCI_CONFIG, "size": len(config),
                           "digest": self.push_blob(repository, config)},
                "layers": [{"mediaType": OCI_LAYER, "size": len(z),
                            "digest": self.push_blob(repository, z)} for z in layers]}
        return self.push_manifest(repository, reference, body), [len(z) for z in layers]

    def push_index(self, repository: str, tag: str,
                   children: Sequence[tuple[str, str, int]], attestation: bool = True) -> str:
        """An OCI index of (platform, digest, size) children, plus an attestation manifest
        (``unknown/unknown``) as buildx adds one."""
        manifests: list[dict[str, Any]] = []
        for platform, digest, size in children:
            os_name, arch, *variant = platform.split("/")
            manifests.append({"mediaType": OCI_MANIFEST, "digest": digest, "size": size,
                              "platform": {"os": os_name, "architecture": arch,
                                           **({"variant": variant[0]} if variant else {})}})
        if attestation:
            digest, size = children[0][1], children[0][2]
            manifests.append({"mediaType": OCI_MANIFEST, "digest": digest, "size": size,
                              "platform": {"os": "unknown", "architecture": "unknown"},
                              "annotations": {"vnd.docker.reference.type":
                                              "attestation-manifest",
                                              "vnd.docker.reference.digest": digest}})
        return self.push_manifest(repository, tag, {"schemaVersion": 2, "mediaType": OCI_INDEX,
                                                    "manifests": manifests})


def layer_tar(files: Mapping[str, bytes]) -> bytes:
    """An uncompressed layer tar holding ``files`` (regular files, fixed metadata)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _certificate(key: rsa.RSAPrivateKey) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, ISSUER)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def run_registry(tmp: Path, users: Mapping[str, str], realm_port: int | None = None
                 ) -> Iterator[Registry]:
    """Start a registry (storage in ``tmp``) and its token server; stop both afterwards.
    ``realm_port`` puts the realm the registry names on another port than the token server's
    (a realm the client must not trust with the job token)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tokens = TokenServer(users, key)
    tokens.start()
    port = free_port()
    (tmp / "certs.pem").write_bytes(_certificate(key))
    (tmp / "storage").mkdir()
    realm = f"http://127.0.0.1:{realm_port or tokens.port}/token"
    (tmp / "config.yml").write_text(json.dumps({
        "version": 0.1, "log": {"level": "error", "accesslog": {"disabled": True}},
        "storage": {"filesystem": {"rootdirectory": str(tmp / "storage")},
                    "delete": {"enabled": True}},
        "http": {"addr": f"127.0.0.1:{port}", "secret": "test-secret"},
        "auth": {"token": {"realm": realm, "service": SERVICE, "issuer": ISSUER,
                           "rootcertbundle": str(tmp / "certs.pem")}},
    }))
    log = open(tmp / "registry.log", "wb")
    process = subprocess.Popen([BINARY, "serve", str(tmp / "config.yml")], stdout=log,
                               stderr=subprocess.STDOUT)
    user, password = next(iter(users.items()))
    try:
        for _ in range(100):
            try:
                if requests.get(f"http://127.0.0.1:{port}/v2/", timeout=1).status_code == 401:
                    break
            except requests.ConnectionError:
                time.sleep(0.05)
        else:
            raise RuntimeError("docker-registry did not start: "
                               + (tmp / "registry.log").read_text()[-2000:])
        yield Registry(f"127.0.0.1:{port}", tokens, user, password, process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        tokens.stop()
