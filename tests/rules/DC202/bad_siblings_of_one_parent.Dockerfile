# expect: DC202@9, DC202@14, DC202@19
FROM python:3.12-slim AS base
WORKDIR /app
COPY . .
RUN mkdir -p /app/data

FROM base AS one
COPY conf/ /etc/conf/
RUN chown -R app /etc/conf && chown app /app/data

FROM base AS two
WORKDIR /app/data
RUN chown app .
RUN chmod +x /app/run.sh

FROM two AS three
RUN chown -R app /app/data
RUN chown -R app /etc/conf
RUN chown -R app /app
USER app
CMD ["python", "-m", "app"]
