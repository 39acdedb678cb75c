# expect: none
# syntax=docker/dockerfile:1
FROM python:3.12-slim
RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update \
 && apt-get install -y --no-install-recommends curl
RUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.3
RUN rm -rf /var/lib/apt/lists/* /root/.cache/pip
USER 10001
