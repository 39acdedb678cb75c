# expect: none
FROM python:3.12-slim
WORKDIR /app
COPY app/ ./app/
COPY main.py ./
