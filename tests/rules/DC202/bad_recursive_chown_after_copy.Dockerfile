# expect: DC202@5
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN useradd --uid 10001 app && chown -R app:app /app
USER 10001
CMD ["/usr/local/bin/app"]
