# expect: none
# hadolint ignore=DC301
FROM alpine:3.20
USER 10001
