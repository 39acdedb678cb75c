# expect: none
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
# hadolint ignore=DC204
RUN rm -rf /var/lib/apt/lists/*
USER 10001
