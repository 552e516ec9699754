# Build stage: Maven with Java 17 builds the runnable (shaded) jar, target/agent-store.jar; the library jar beside it
# (target/agent-store-VERSION.jar, for projects that depend on agent-store) is not needed here.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
COPY conf ./conf
RUN mvn -B -q -DskipTests package

# Run stage: a JRE only.
FROM eclipse-temurin:17-jre
RUN useradd --system --home /app agentstore && mkdir -p /data && chown agentstore /data
WORKDIR /app
COPY --from=build /src/target/agent-store.jar /app/agent-store.jar
COPY conf/config.yaml /app/conf/config.yaml
USER agentstore
ENV AGENTSTORE_HTTP_HOST=0.0.0.0 \
    AGENTSTORE_DATABASE_WORKFLOW_PATH=/data/workflow.db
VOLUME /data
EXPOSE 8080
# exec form: the JVM is PID 1 and gets SIGTERM from `docker stop`, so it shuts down cleanly.
# ExitOnOutOfMemoryError: a JVM out of heap exits (status 3) and is restarted (docker run --restart) instead of
# hanging half-alive; http.max_inflight_body_bytes (an eighth of -Xmx by default) keeps it from getting there.
ENTRYPOINT ["java", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/agent-store.jar"]
