# expect: none
FROM golang:1.22-bookworm AS build
RUN go build -o /out/app ./...

FROM node:20 AS assets
RUN npm ci

FROM golang:1.22-alpine
COPY --from=build /out/app /usr/local/bin/app
USER 10001
