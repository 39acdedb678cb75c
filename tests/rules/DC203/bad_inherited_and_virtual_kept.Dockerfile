# expect: DC203@3, DC203@6
FROM alpine:3.20 AS base
RUN apk add --no-cache build-base

FROM base AS runtime
RUN apk add --no-cache --virtual .build-deps musl-dev linux-headers && pip install uwsgi
USER 10001
CMD ["/usr/local/bin/app"]
