# expect: none
FROM python:3.12-slim
RUN useradd --uid 10001 --no-create-home app
COPY app.py /app/
USER 10001
CMD ["python", "/app/app.py"]
