# expect: DC202@7
FROM python:3.12-slim AS base
WORKDIR /app
COPY requirements.txt .

FROM base AS runtime
RUN chown 10001 requirements.txt
USER 10001
CMD ["/usr/local/bin/app"]
