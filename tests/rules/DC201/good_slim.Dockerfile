# expect: none
FROM python:3.12-slim-bookworm
USER 10001
