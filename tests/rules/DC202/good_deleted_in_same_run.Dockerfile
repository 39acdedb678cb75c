# expect: none
FROM debian:12-slim
WORKDIR /srv/app
COPY setup/ ./setup/
RUN cd setup \
 && chmod +x install.sh \
 && ./install.sh \
 && cd .. \
 && rm -rf setup
USER 10001
