# expect: none
# The last stage is a development image (the production image is built with --target prod).
FROM python:3.12-slim AS prod
COPY app.py /app/
USER 10001
CMD ["python", "/app/app.py"]

FROM prod AS dev
USER root
RUN pip install --no-cache-dir debugpy
CMD ["python", "-m", "debugpy", "--listen", "5678", "/app/app.py"]
