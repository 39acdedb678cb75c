# expect: DC101@6
FROM python:3.12-slim AS base
ENV PYTHONUNBUFFERED=1

FROM base AS test
FROM base AS runtime
COPY . /app
CMD ["/usr/local/bin/app"]
