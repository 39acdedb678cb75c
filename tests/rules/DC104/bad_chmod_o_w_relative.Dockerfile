# expect: DC104@5
FROM php:8.3-fpm-alpine
WORKDIR /var/www/html
COPY . .
RUN cd /var/www/html && chmod -R o+w,u+x templates
USER www-data
CMD ["/usr/local/bin/app"]
