# expect: DC201@3
ARG PY=3.12
FROM python:${PY}-bookworm
USER 10001
CMD ["/usr/local/bin/app"]
