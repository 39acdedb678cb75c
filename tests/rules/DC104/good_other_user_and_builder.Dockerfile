# expect: none
FROM node:20 AS build
COPY --chown=node:node . /src
RUN chmod -R 777 /src

FROM node:20-slim
COPY --from=build --chown=root:root /src/dist /app
COPY --chown=deploy . /opt/tools/
USER node
