# expect: none
FROM python:3.12-slim AS build
WORKDIR /app
COPY pyproject.toml poetry.lock ./
RUN pip install --no-cache-dir poetry && poetry install --no-root
COPY src/ ./src/
RUN pip install --no-cache-dir --no-deps .
FROM python:3.12-slim
COPY --from=build /app /app
