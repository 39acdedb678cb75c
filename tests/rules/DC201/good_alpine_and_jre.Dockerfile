# expect: none
FROM eclipse-temurin:21-jdk AS build
FROM eclipse-temurin:21-jre-alpine
USER 10001
