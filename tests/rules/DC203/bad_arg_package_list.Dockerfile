# expect: DC203@4
FROM debian:12-slim
ARG BUILD_DEPS="build-essential=12.9 python3-dev"
RUN apt-get update && apt-get install -y --no-install-recommends ${BUILD_DEPS} \
 && rm -rf /var/lib/apt/lists/*
USER 10001
CMD ["/usr/local/bin/app"]
