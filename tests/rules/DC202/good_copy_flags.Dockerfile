# expect: none
FROM python:3.12-slim
WORKDIR /app
COPY --chown=10001 --chmod=755 . .
USER 10001
