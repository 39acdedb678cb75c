# expect: none
FROM python:3.12-slim
# hadolint ignore=DC105
COPY tests/fixtures/dummy.pem /app/tests/
USER 10001
