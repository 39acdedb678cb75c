# expect: DC202@6
ARG APP_DIR=/srv/app
FROM golang:1.22 AS build
ARG APP_DIR
COPY . ${APP_DIR}
RUN chown -R 1000 ${APP_DIR}/cmd

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /srv/app/bin/app /app
CMD ["/usr/local/bin/app"]
