# expect: none
# An interactive toolbox: its command is a shell; users run it and extend it (docs/rules.md,
# "What ships").
FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends git curl jq \
 && rm -rf /var/lib/apt/lists/*
CMD ["bash"]
