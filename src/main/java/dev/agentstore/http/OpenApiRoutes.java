package dev.agentstore.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * {@code GET /openapi.json} and {@code GET /openapi.yaml}: the API's OpenAPI 3.1 contract, open like the health
 * probes. The YAML in the jar is the source; it is read and turned into JSON once per process, on first use, and
 * served from memory. The tests hold the router and every answer to this document.
 */
final class OpenApiRoutes {
    static final String RESOURCE = "openapi/openapi.yaml";
    static final String YAML_TYPE = "application/yaml";

    // Read when the first HTTP verticle mounts its routes, once for every instance: a start, not a request, pays it.
    private static final byte[] YAML = read();
    private static final byte[] JSON = json(YAML);

    void mount(Api api) {
        Api open = api.open();
        open.get("/openapi.json", Query.NONE, ctx -> send(ctx, ContentTypes.JSON, JSON));
        open.get("/openapi.yaml", Query.NONE, ctx -> send(ctx, YAML_TYPE, YAML));
    }

    private static void send(RoutingContext ctx, String type, byte[] body) {
        ctx.response().putHeader("Content-Type", type).end(Buffer.buffer(body));
    }

    private static byte[] read() {
        try (InputStream in = OpenApiRoutes.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not in the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    @SuppressWarnings("unchecked")
    private static byte[] json(byte[] yaml) {
        Object doc = new Load(
                        LoadSettings.builder().setAllowDuplicateKeys(false).build())
                .loadFromString(new String(yaml, StandardCharsets.UTF_8));
        // copy(): nested YAML maps and lists become JsonObjects and JsonArrays
        return new JsonObject((Map<String, Object>) doc).copy().toBuffer().getBytes();
    }
}
