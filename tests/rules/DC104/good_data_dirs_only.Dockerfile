# expect: none
FROM python:3.12-slim
RUN useradd --uid 10001 app
WORKDIR /app
COPY . .
COPY --chown=10001 seed/ /app/data/
RUN mkdir -p /app/logs /tmp/app && chmod 777 /tmp/app && chmod o+w /app/logs
USER 10001
