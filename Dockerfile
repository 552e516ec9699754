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
COPY conf/access-log.properties /app/conf/access-log.properties
USER agentstore
# The image binds 0.0.0.0, so it needs API keys: without a keys file the server refuses to start (exit 2). The keys
# file is a secret mounted read-only at /run/secrets/agent-store-keys; it holds only SHA-256 hashes, one key a line
# (NAME SCOPES SHA256HEX [rps=N] [burst=M]), and is re-read when it changes (a revoked key stops within seconds):
#   docker run --rm agent-store keys new --name agent-runner --scopes read,write
#       prints "key: ask_..." (give it to the client, it is shown once) and "entry: ..." (the line for the file)
#   echo 'agent-runner read,write <sha256hex>' >> agent-store-keys
#   docker run -p 8080:8080 -v agent-store-data:/data \
#       -v "$PWD/agent-store-keys:/run/secrets/agent-store-keys:ro" agent-store
# or, with compose: `secrets: {agent-store-keys: {file: ./agent-store-keys}}` and `secrets: [agent-store-keys]`
# on the service (compose mounts it at /run/secrets/agent-store-keys). Behind a proxy that authenticates every
# caller itself, AGENTSTORE_AUTH_KEYS_FILE= AGENTSTORE_AUTH_ALLOW_ANONYMOUS=true serves without keys.
# Clients that call it by a name (a compose service name, a proxy's name) need that name in
# AGENTSTORE_HTTP_ALLOWED_HOSTS (e.g. agent-store); localhost and the container's addresses are allowed.
ENV AGENTSTORE_HTTP_HOST=0.0.0.0 \
    AGENTSTORE_DATABASE_WORKFLOW_PATH=/data/workflow.db \
    AGENTSTORE_AUTH_KEYS_FILE=/run/secrets/agent-store-keys
VOLUME /data
EXPOSE 8080
# exec form: the JVM is PID 1 and gets SIGTERM from `docker stop`, so it shuts down cleanly.
# ExitOnOutOfMemoryError: a JVM out of heap exits (status 3) and is restarted (docker run --restart) instead of
# hanging half-alive; http.max_inflight_body_bytes (an eighth of -Xmx by default) keeps it from getting there.
ENTRYPOINT ["java", "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/agent-store.jar"]
