# expect: none
FROM python:3.12-slim AS web
EXPOSE 8000
CMD ["uvicorn", "main:app"]
FROM python:3.12-slim AS job
HEALTHCHECK NONE
CMD ["python", "batch.py"]
