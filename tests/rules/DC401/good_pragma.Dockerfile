# expect: none
# hadolint ignore=DC401
FROM nginx:1.27-alpine
EXPOSE 80
