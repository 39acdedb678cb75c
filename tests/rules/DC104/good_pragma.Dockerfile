# expect: none
FROM python:3.12-slim
WORKDIR /app
# hadolint ignore=DC104
COPY --chown=10001 . .
USER 10001
