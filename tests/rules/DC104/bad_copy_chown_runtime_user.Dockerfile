# expect: DC104@5
FROM python:3.12-slim
RUN useradd --uid 10001 --no-create-home app
WORKDIR /app
COPY --chown=app:app . .
USER 10001
CMD ["python", "main.py"]
