# expect: DC105@4
# The build stage is not shipped, but its layers are cached and often pushed.
FROM node:20-slim AS build
COPY .npmrc package.json package-lock.json ./
RUN npm ci

FROM node:20-slim
COPY --from=build /node_modules /app/node_modules
USER 10001
