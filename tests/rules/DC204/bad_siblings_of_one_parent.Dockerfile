# expect: DC204@7, DC204@11, DC204@14
FROM debian:12-slim AS base
RUN apt-get update && apt-get install -y --no-install-recommends curl
RUN curl -fsSL -o /tmp/tool.tgz https://example.com/tool.tgz

FROM base AS one
RUN rm -rf /var/lib/apt/lists/*
RUN rm -rf /var/lib/apt/lists/*

FROM base AS two
RUN rm -rf /var/lib/apt/lists/*

FROM two AS three
RUN rm /tmp/tool.tgz
CMD ["tool"]
