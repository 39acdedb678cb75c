# expect: none
FROM python:3.12-slim AS docs
RUN pip install --no-cache-dir mkdocs && mkdocs build
FROM nginx:1.27-alpine
COPY --from=docs /site /usr/share/nginx/html
