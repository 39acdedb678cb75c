# expect: DC303@4:warning
FROM python:3.12-slim
WORKDIR /app
COPY . .
CMD ["python", "main.py"]
