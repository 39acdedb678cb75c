# expect: none
FROM alpine:3.20
# hadolint ignore=DC103
EXPOSE 22
USER 10001
