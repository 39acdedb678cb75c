# expect: DC402@3
# A Python image built on a plain OS base: Python comes from apt, not from the base's name.
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip \
 && rm -rf /var/lib/apt/lists/*
COPY app.py /app/
USER 10001
CMD ["python3", "/app/app.py"]
