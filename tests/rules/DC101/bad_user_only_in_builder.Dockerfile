# expect: DC101@7
# A USER in a build stage does not carry over to an unrelated final stage.
FROM golang:1.22 AS build
USER 1000
RUN go build -o /tmp/app ./...

FROM debian:12-slim
COPY --from=build /tmp/app /usr/local/bin/app
ENTRYPOINT ["app"]
