# expect: none
# A base other images build on: no command, entrypoint or port, no code from the context.
ARG VERSION=3.12
FROM python:${VERSION}-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_NO_CACHE_DIR=1
