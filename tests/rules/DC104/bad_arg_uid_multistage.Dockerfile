# expect: DC104@9
ARG APP_UID=10001
FROM python:3.12-slim AS base
ARG APP_UID
USER ${APP_UID}

FROM base AS runtime
ARG APP_UID
COPY --chown=${APP_UID}:${APP_UID} src/ /opt/service/
CMD ["python", "-m", "service"]
