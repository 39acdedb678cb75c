# expect: none
# syntax=docker/dockerfile:1
FROM node:20-slim AS build
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci

FROM node:20-slim
COPY --from=build /node_modules /app/node_modules
USER 10001
