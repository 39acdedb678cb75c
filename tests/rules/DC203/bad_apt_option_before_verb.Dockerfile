# expect: DC203@3, DC203@4
FROM debian:12-slim
RUN apt-get -t bookworm-backports install -y --no-install-recommends gcc
RUN apt-get -o Dpkg::Use-Pty=0 install -y libpq-dev && apt-get install -t stable -y make
USER 10001
CMD ["/usr/local/bin/app"]
