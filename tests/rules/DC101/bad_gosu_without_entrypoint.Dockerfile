# expect: DC101@2
FROM alpine:3.20
RUN apk add --no-cache 'su-exec>=0.2'
CMD ["svc-daemon"]
