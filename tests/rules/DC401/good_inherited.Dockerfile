# expect: none
FROM python:3.12-slim AS base
HEALTHCHECK --interval=30s CMD python -c "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/')"
FROM base AS final
EXPOSE 8000
CMD ["gunicorn", "app:app"]
