# expect: none
FROM node:20-alpine
WORKDIR /srv
COPY package.json package-lock.json ./
RUN apk add --no-cache --virtual .gyp-deps python3 make g++ \
 && npm ci --omit=dev \
 && apk del .gyp-deps
USER node
CMD ["node", "server.js"]
