# expect: DC203@3
FROM python:3.12-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libpq-dev \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir psycopg2==2.9.9
USER 10001
CMD ["/usr/local/bin/app"]
