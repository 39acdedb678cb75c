# expect: none
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 udev ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir gcc-wrapper==1.0
USER 10001
