FROM alpine:3.20
RUN apk add curl \
    && curl -o /tmp/x https://example.com/x \
    && chmod +x /tmp/x
CMD ["/tmp/x"]
