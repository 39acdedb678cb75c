# expect: none
# DL3064 already reports these lines by the variable name; DC102 does not say it again.
FROM alpine:3.20
ENV GITHUB_TOKEN=ghp_Zq8wN3vB7xK2mL5pR9tY4uI1oA6sD0fG3hJ8
ARG AWS_ACCESS_KEY_ID=AKIAZ7Q3XJ4M5N6P2RST
ARG SLACK_TOKEN
ENV NOTIFY=$SLACK_TOKEN
