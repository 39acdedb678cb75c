# expect: none
FROM debian:12-slim
COPY certs/ca.pem certs/rds-ca-bundle.pem /usr/local/share/ca-certificates/
COPY keys/id_ed25519.pub /etc/ssh/authorized_keys
ADD https://deb.nodesource.com/gpgkey/nodesource.gpg.key /tmp/
COPY nodesource-repo.gpg.key /etc/apt/keyrings/
COPY .env.example /app/.env
ENV AWS_EXAMPLE_ID=AKIAIOSFODNN7EXAMPLE
ARG PLACEHOLDER=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
USER 10001
