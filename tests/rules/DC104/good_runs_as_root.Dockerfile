# expect: none
# Running as root is DC101's finding; DC104 only speaks once there is a runtime user.
FROM python:3.12-slim
COPY --chown=app:app . /app
RUN chmod -R 777 /app
