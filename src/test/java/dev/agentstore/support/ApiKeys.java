package dev.agentstore.support;

import dev.agentstore.auth.Keys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HexFormat;
import java.util.List;

/** API keys for tests: lines of a keys file, requests that carry a key. */
public final class ApiKeys {
    private ApiKeys() {}

    /** The SHA-256 of {@code key} in hex: what a keys file holds. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(Keys.sha256(key));
    }

    /** A keys file line: {@code NAME SCOPES HASH [options]}. */
    public static String entry(String name, String scopes, String key, String... options) {
        return String.join(" ", name, scopes, hash(key)) + (options.length == 0 ? "" : " " + String.join(" ", options));
    }

    /** Writes {@code lines} to a file beside {@code file} and renames it over {@code file}, atomically. */
    public static void replace(Path file, String... lines) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, String.join("\n", lines) + "\n");
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends {@code body} (null: none; JSON) with one Authorization header per item of {@code authorization}. */
    public static HttpResponse<Buffer> send(
            TestServer server, HttpMethod method, String uri, String body, List<String> authorization) {
        HttpRequest<Buffer> req = server.http.request(method, uri);
        authorization.forEach(a -> req.headers().add("Authorization", a));
        return TestServer.await(
                body == null
                        ? req.send()
                        : req.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
    }

    /** Sends with {@code Authorization: Bearer key}. */
    public static HttpResponse<Buffer> send(TestServer server, HttpMethod method, String uri, String body, String key) {
        return send(server, method, uri, body, List.of("Bearer " + key));
    }
}
