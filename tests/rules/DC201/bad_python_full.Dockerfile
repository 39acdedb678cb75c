# expect: DC201@2
FROM python:3.12
COPY app.py /app/
USER 10001
CMD ["/usr/local/bin/app"]
