# expect: DC102@4, DC102@5, DC102@6, DC102@7, DC102@9
FROM python:3.12-slim
WORKDIR /app
COPY .env ./
COPY deploy/id_rsa /root/.ssh/
COPY certs/server.key certs/server.crt /etc/ssl/private/
ADD credentials-prod.json .netrc /root/
COPY app.py ./
COPY .env* firebase/serviceAccountKey.json ./
USER 10001
