# expect: DC105@4
FROM python:3.12-slim
ARG ENV_FILE=.env.production
COPY ${ENV_FILE} /app/
USER 10001
