# expect: none
FROM python:3.12-alpine
RUN apk add --no-cache --virtual .build-deps gcc musl-dev \
 && pip install --no-cache-dir uwsgi==2.0.26 \
 && apk del .build-deps
RUN set -eux; savedAptMark="$(apt-mark showmanual)"; \
    apt-get update; apt-get install -y --no-install-recommends gcc make; \
    apt-mark auto '.*' > /dev/null; apt-mark manual $savedAptMark; \
    apt-get purge -y --auto-remove; rm -rf /var/lib/apt/lists/*
RUN dnf install -y gcc-c++ && dnf remove -y gcc-c++
USER 10001
