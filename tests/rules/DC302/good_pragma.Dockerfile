# expect: none
FROM ruby:3.3-slim
WORKDIR /app
# hadolint ignore=DC302
COPY . .
RUN bundle install
