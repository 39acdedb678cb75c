# expect: DC401@5
FROM node:22 AS build
HEALTHCHECK CMD curl -f http://localhost/ || exit 1
RUN npm ci
FROM node:22-slim
COPY --from=build /app /app
CMD ["node", "/app/server.js"]
