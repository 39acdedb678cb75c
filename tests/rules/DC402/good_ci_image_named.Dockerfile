# expect: none
FROM python:3.12-slim AS lint
RUN pip install --no-cache-dir ruff==0.6.9
COPY . /src
CMD ["ruff", "check", "/src"]
