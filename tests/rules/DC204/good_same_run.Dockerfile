# expect: none
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL -o /tmp/tool.tar.gz https://example.com/tool.tar.gz \
 && tar -xzf /tmp/tool.tar.gz -C /usr/local/bin \
 && rm /tmp/tool.tar.gz
RUN rm -rf /var/lib/apt/lists/* /tmp/*
USER 10001
