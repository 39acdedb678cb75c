# expect: none
ARG TAG
FROM ghcr.io/acme/python:3.12 AS a
FROM python:${TAG}
USER 10001
