# expect: DC303@4
FROM alpine:3.20
ARG APP_DIR=/app
COPY ./ ${APP_DIR}
CMD ["/usr/local/bin/app"]
