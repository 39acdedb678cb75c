# expect: DC204@5, DC204@6
FROM python:3.12-alpine
RUN apk add curl
RUN pip install flask==3.0.3
RUN apk cache clean && rm -rf /var/cache/apk/*
RUN rm -rf /root/.cache/pip
USER 10001
