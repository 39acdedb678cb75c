# expect: DC102@5
# The build stage is not shipped, but its layers and its ARG values are cached and often pushed.
FROM node:20-slim AS build
ARG REGISTRY=npm.example.com
ARG NPM_AUTH=ghp_Qw7xK2mL5pR9tY4uI1oA6sD0fG3hJ8zX4cV2
RUN echo "//${REGISTRY}/:_authToken=${NPM_AUTH}" > .npmrc && npm ci && rm .npmrc

FROM node:20-slim
COPY --from=build /node_modules /app/node_modules
USER 10001
