# expect: DC303@3
FROM node:22-slim AS base
ADD . /srv
FROM base AS runtime
USER node
CMD ["/usr/local/bin/app"]
