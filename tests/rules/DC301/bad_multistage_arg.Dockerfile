# expect: DC301@3, DC301@6
ARG GO_VERSION=1.22
FROM golang:${GO_VERSION}-alpine AS build
RUN go build -o /out/app ./...

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
USER 65532
ENTRYPOINT ["/app"]
