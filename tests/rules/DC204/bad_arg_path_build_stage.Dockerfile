# expect: DC204@6
FROM python:3.12-slim AS build
ARG WHEELS=/tmp/wheels
RUN mkdir -p ${WHEELS} && pip wheel --no-cache-dir --wheel-dir ${WHEELS} -r requirements.txt
RUN pip install --no-cache-dir ${WHEELS}/*.whl
RUN rm -rf /tmp/*

FROM python:3.12-slim
COPY --from=build /usr/local/lib/python3.12 /usr/local/lib/python3.12
USER 10001
