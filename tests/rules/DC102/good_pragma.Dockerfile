# expect: none
FROM python:3.12-slim
# A documented test token, allowed on purpose.
# hadolint ignore=DC102
ENV FIXTURE_TOKEN=ghp_Zq8wN3vB7xK2mL5pR9tY4uI1oA6sD0fG3hJ8
USER 10001
