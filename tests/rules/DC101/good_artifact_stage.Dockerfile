# expect: none
# A FROM scratch stage with no command only carries build output out (docker build --output).
FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app ./cmd/app

FROM scratch
COPY --from=build /out/app /app
