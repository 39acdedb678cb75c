# expect: DC204@5, DC204@6
FROM debian:12-slim
RUN ./configure 2> /tmp/configure.err
RUN make &> /tmp/make.log
RUN rm -f /tmp/configure.err
RUN rm -f /tmp/make.log
USER 10001
