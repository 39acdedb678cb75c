# expect: DC201@2
FROM eclipse-temurin:21-jdk-jammy AS base
WORKDIR /app

FROM base AS build
RUN ./gradlew build

FROM base AS runtime
COPY --from=build /app/build/libs/app.jar /app/app.jar
USER 10001
CMD ["/usr/local/bin/app"]
