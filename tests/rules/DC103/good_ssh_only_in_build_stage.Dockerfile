# expect: none
FROM debian:12-slim AS devbox
EXPOSE 22

FROM debian:12-slim
EXPOSE 8080
USER 10001
