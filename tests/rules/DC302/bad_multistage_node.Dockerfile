# expect: DC302@4
FROM node:22-alpine AS build
WORKDIR /src
COPY src/ ./src/
COPY package.json package-lock.json ./
RUN npm ci && npm run build

FROM nginx:1.27-alpine
COPY --from=build /src/dist /usr/share/nginx/html
