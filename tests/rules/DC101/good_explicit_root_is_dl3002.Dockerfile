# expect: none
FROM debian:12-slim
USER root
