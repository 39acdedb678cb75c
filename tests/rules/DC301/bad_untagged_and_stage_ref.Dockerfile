# expect: DC301@2
FROM alpine AS base
RUN apk add --no-cache curl
FROM base AS final
USER 10001
