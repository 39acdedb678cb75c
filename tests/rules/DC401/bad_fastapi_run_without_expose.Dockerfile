# expect: DC401@2
FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir "fastapi[standard]==0.115.0"
USER 10001
CMD ["fastapi", "run", "main.py", "--port", "8000"]
