# expect: DC204@6, DC204@7
FROM debian:12-slim
WORKDIR /opt
RUN wget -q https://example.com/releases/tool-1.2.tar.gz && tar -xzf tool-1.2.tar.gz
RUN curl -fsSLo /tmp/node.tar.xz https://nodejs.org/dist/v20.0.0/node-v20.0.0-linux-x64.tar.xz
RUN rm tool-1.2.tar.gz
RUN find /tmp -name '*.tar.xz' -delete
USER 10001
