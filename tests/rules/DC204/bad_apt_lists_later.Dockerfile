# expect: DC204@4
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN rm -rf /var/lib/apt/lists/*
USER 10001
