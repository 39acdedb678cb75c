# expect: DC103@4
FROM debian:12-slim
RUN useradd --uid 10001 app
EXPOSE 22
USER 10001
