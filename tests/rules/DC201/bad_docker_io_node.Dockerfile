# expect: DC201@2
FROM docker.io/library/node:20
USER node
CMD ["/usr/local/bin/app"]
