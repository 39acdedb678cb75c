# expect: DC105@5
# A service-account key under a neutral name; the variable that points at it gives it away.
FROM python:3.12-slim
WORKDIR /app
COPY deploy/sa.json /secrets/
ENV GOOGLE_APPLICATION_CREDENTIALS=/secrets/sa.json
COPY app.py .
USER 10001
CMD ["python", "app.py"]
