# expect: DC104@5, DC104@6
FROM node:20-slim
WORKDIR /srv/app
COPY . .
RUN chmod -R 777 /srv/app
COPY --chmod=0666 config.js ./config.js
USER node
CMD ["/usr/local/bin/app"]
