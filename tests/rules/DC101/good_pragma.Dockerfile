# expect: none
FROM golang:1.22 AS build
RUN go build -o /out/app ./...

# hadolint ignore=DC101
FROM debian:12-slim
COPY --from=build /out/app /usr/local/bin/app
