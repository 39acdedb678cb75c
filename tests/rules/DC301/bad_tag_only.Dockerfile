# expect: DC301@2
FROM python:3.12-slim
USER 10001
