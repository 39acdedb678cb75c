# expect: none
# A toolchain image: the compiler is the product, its command is the build tool.
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
CMD ["make"]
