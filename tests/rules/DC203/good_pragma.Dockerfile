# expect: none
FROM debian:12-slim
# hadolint ignore=DC203
RUN apt-get update && apt-get install -y --no-install-recommends make \
 && rm -rf /var/lib/apt/lists/*
USER 10001
