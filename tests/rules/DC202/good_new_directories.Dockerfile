# expect: none
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN mkdir -p /app/data/cache && chown -R 10001 /app/data \
 && chown 10001 /var/log && chmod 1777 /tmp
USER 10001
