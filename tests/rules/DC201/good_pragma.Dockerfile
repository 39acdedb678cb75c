# expect: none
# hadolint ignore=DC201
FROM debian:12
USER 10001
