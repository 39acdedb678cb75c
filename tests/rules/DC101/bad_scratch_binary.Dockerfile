# expect: DC101@5
FROM golang:1.22 AS build
RUN CGO_ENABLED=0 go build -o /out/app ./...

FROM scratch
COPY --from=build /out/app /app
ENTRYPOINT ["/app"]
