# expect: none
# An interpreter with no script is a REPL, not a server.
FROM node:22-slim
COPY tools/ /opt/tools/
CMD ["node"]
