# expect: none
FROM python:3.12-slim
WORKDIR /app
# hadolint ignore=DC303
COPY . .
