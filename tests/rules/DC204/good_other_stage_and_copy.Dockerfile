# expect: none
FROM debian:12-slim AS fetch
RUN curl -fsSLo /tmp/tool.tgz https://example.com/tool.tgz

FROM debian:12-slim
COPY --from=fetch /tmp/tool.tgz /tmp/tool.tgz
RUN tar -xzf /tmp/tool.tgz -C /usr/local && rm -rf /tmp/*
RUN rm -rf /var/lib/apt/lists/*
USER 10001
