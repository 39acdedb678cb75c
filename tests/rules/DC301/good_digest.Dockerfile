# expect: none
FROM python:3.12-slim@sha256:0f5b1a9e8f2e4f0c4a6c2d3b1e7f9a8c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a AS build
RUN pip install --no-cache-dir build
FROM build AS test
FROM scratch
COPY --from=build /usr/local/lib /lib
