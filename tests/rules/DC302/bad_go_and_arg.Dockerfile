# expect: DC302@5
ARG SRC=.
FROM golang:1.22 AS build
WORKDIR /src
COPY ${SRC} .
RUN go mod download && go build -o /app ./cmd/app
