# expect: none
FROM node:20-alpine
RUN set -eux; \
    toDelete=; \
    if ! npm install --omit=dev; then \
        group='.native-build'; \
        toDelete="$toDelete $group"; \
        apk add --no-cache --virtual "$group" g++ make python3; \
        npm install --omit=dev --build-from-source; \
    fi; \
    if [ -n "$toDelete" ]; then apk del --no-network $toDelete; fi
USER node
