# expect: none
FROM python:3.12-slim
COPY src/ /app/
RUN chown 10001 /app
COPY --from=ghcr.io/acme/tools:1 /bin/tool /usr/local/bin/tool
USER 10001
