# expect: none
FROM python:3.12-slim
COPY entrypoint.sh /
# hadolint ignore=DC202
RUN chmod +x /entrypoint.sh
USER 10001
