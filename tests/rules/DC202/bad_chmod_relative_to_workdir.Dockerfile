# expect: DC202@5, DC202@7
FROM node:20-slim
WORKDIR /usr/src/app
COPY docker-entrypoint.sh ./
RUN chmod +x docker-entrypoint.sh
COPY bin/ ./bin/
RUN cd bin && chmod 755 *.sh
USER node
CMD ["/usr/local/bin/app"]
