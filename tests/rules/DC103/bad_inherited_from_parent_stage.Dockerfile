# expect: DC103@3, DC103@7
FROM debian:12-slim AS base
EXPOSE 22/udp

FROM base AS runtime
USER 10001
EXPOSE 20-25
