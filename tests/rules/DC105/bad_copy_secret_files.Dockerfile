# expect: DC105@4, DC105@5, DC105@6, DC105@7, DC105@9
FROM python:3.12-slim
WORKDIR /app
COPY .env ./
COPY deploy/id_rsa /root/.ssh/
COPY certs/server.key certs/server.crt /etc/ssl/private/
ADD credentials-prod.json .netrc /root/
COPY app.py ./
COPY .env* firebase/serviceAccountKey.json ./
USER 10001
