FROM debian:12 AS build
RUN apt-get update && apt-get install -y gcc make curl wget
RUN cd /src && make
RUN curl -sSL https://example.com/install.sh | sh && echo "𝄞 café" $HOME

FROM debian:12
LABEL description="café ☕ 𝄞 app"
COPY --from=build /src/app /usr/local/bin/app
RUN apt-get update && apt-get install -y ca-certificates
RUN pip install requests flask
RUN npm install -g left-pad
USER root
WORKDIR app
ENV API_TOKEN=changeme
EXPOSE 70000
CMD python app.py
