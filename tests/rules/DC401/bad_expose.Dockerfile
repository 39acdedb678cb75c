# expect: DC401@2
FROM python:3.12-slim
EXPOSE 8000
CMD ["python", "-m", "http.server"]
