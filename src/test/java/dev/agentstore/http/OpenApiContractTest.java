package dev.agentstore.http;

import static dev.agentstore.support.Http.problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.auth.Keys;
import dev.agentstore.support.ApiKeys;
import dev.agentstore.support.Contract;
import dev.agentstore.support.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The OpenAPI document is valid OpenAPI 3.1, agrees with the router both ways, is served open at"
        + " /openapi.json and /openapi.yaml, and its check refuses answers it does not describe")
class OpenApiContractTest {
    static final String KEY = Keys.generate();

    @TempDir
    static Path dir;

    /** A server with a keys file: the document's routes must need no key. */
    static TestServer server;

    static Contract contract;

    @BeforeAll
    static void start() throws IOException {
        Path keys = dir.resolve("keys");
        Files.writeString(keys, ApiKeys.entry("all", "read,write,admin", KEY) + "\n");
        server =
                TestServer.start(dir, new JsonObject().put("auth", new JsonObject().put("keys_file", keys.toString())));
        contract = Contract.get(server.vertx);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Nested
    @DisplayName("the document")
    class Document {
        @Test
        @DisplayName("is OpenAPI 3.1 and valid against the OpenAPI 3.1 meta-schema")
        void isValidOpenApi31() {
            assertEquals("3.1.0", contract.document.getString("openapi"));
            assertTrue(
                    contract.metaSchema.getValid(),
                    () -> "the meta-schema refuses the document: "
                            + contract.metaSchema.toJson().encodePrettily());
        }

        @Test
        @DisplayName("the meta-schema check can fail: it refuses the document without info, or with a response"
                + " keyed by something that is not a status")
        void metaSchemaRefusesABrokenDocument() {
            JsonObject noInfo = contract.document.copy();
            noInfo.remove("info");
            assertFalse(contract.metaSchema(noInfo).getValid());
            JsonObject badStatus = contract.document.copy();
            badStatus
                    .getJsonObject("paths")
                    .getJsonObject("/api/alerts")
                    .getJsonObject("get")
                    .getJsonObject("responses")
                    .put("ok", new JsonObject().put("description", "x"));
            assertFalse(contract.metaSchema(badStatus).getValid());
            assertTrue(contract.metaSchema(contract.document.copy()).getValid());
        }

        @Test
        @DisplayName("every $ref names something in the document, and resolving leaves none")
        void everyRefResolves() {
            List<String> refs = new ArrayList<>();
            collectRefs(contract.document, refs);
            assertFalse(refs.isEmpty());
            for (String ref : refs) {
                assertTrue(ref.startsWith("#/"), "a reference outside the document: " + ref);
                assertNotNull(Contract.pointer(contract.document, ref), "nothing at " + ref);
            }
            List<String> left = new ArrayList<>();
            collectRefs(contract.resolved, left);
            assertEquals(List.of(), left);
        }

        @Test
        @DisplayName("every operation has a unique operationId, a scope, a security requirement that names it, and"
                + " 400, 401 and 429 among its answers (what every route may answer)")
        void everyOperationIsComplete() {
            Set<String> ids = new HashSet<>();
            for (Contract.Operation op : contract.operations()) {
                JsonObject spec = op.spec();
                assertTrue(ids.add(op.id()), "operationId twice: " + op);
                String scope = spec.getString("x-scope");
                assertTrue(Set.of("none", "read", "write", "admin").contains(scope), op + " x-scope " + scope);
                JsonArray security = spec.getJsonArray("security");
                assertNotNull(security, op + " has no security");
                if (!scope.equals("none")) {
                    assertEquals(
                            new JsonArray().add(new JsonObject().put("bearer", new JsonArray().add(scope))),
                            security,
                            op.toString());
                }
                JsonObject responses = spec.getJsonObject("responses");
                for (String status : List.of("400", "401", "429")) {
                    assertTrue(responses.containsKey(status), op + " does not document " + status);
                }
                boolean body = spec.containsKey("requestBody");
                assertEquals(body, responses.containsKey("415"), op + ": 415 exactly where a body is taken");
                assertEquals(body, responses.containsKey("413"), op + ": 413 exactly where a body is taken");
                assertEquals(
                        scope.equals("read") || scope.equals("write") || scope.equals("admin"),
                        responses.containsKey("403"),
                        op + ": 403 exactly where a scope is needed");
            }
        }

        @Test
        @DisplayName("every example matches its schema: those of the schemas, the media types and the parameters")
        void examplesMatchTheirSchemas() {
            List<String> wrong = new ArrayList<>();
            int[] checked = {0};
            JsonObject schemas = contract.resolved.getJsonObject("components").getJsonObject("schemas");
            for (String name : schemas.fieldNames()) {
                JsonObject schema = schemas.getJsonObject(name);
                if (schema.containsKey("example")) {
                    checked[0]++;
                    String errors = contract.errors(schema, schema.getValue("example"));
                    if (errors != null) {
                        wrong.add("schema " + name + ": " + errors);
                    }
                }
            }
            examples(contract.resolved.getJsonObject("paths"), "#/paths", wrong, checked);
            examples(contract.resolved.getJsonObject("components"), "#/components", wrong, checked);
            assertEquals(List.of(), wrong);
            assertTrue(checked[0] > 20, "only " + checked[0] + " examples");
        }

        /** Every object with both a schema and an example (a media type, a parameter), checked. */
        private static void examples(Object node, String at, List<String> wrong, int[] checked) {
            if (node instanceof JsonObject o) {
                if (o.getValue("schema") instanceof JsonObject schema && o.containsKey("example")) {
                    checked[0]++;
                    String errors = contract.errors(schema, o.getValue("example"));
                    if (errors != null) {
                        wrong.add(at + ": " + errors);
                    }
                }
                o.forEach(e -> examples(e.getValue(), at + "/" + e.getKey(), wrong, checked));
            } else if (node instanceof JsonArray a) {
                for (int i = 0; i < a.size(); i++) {
                    examples(a.getValue(i), at + "/" + i, wrong, checked);
                }
            }
        }

        private static void collectRefs(Object node, List<String> refs) {
            if (node instanceof JsonObject o) {
                if (o.getValue("$ref") instanceof String ref) {
                    refs.add(ref);
                }
                o.forEach(e -> collectRefs(e.getValue(), refs));
            } else if (node instanceof JsonArray a) {
                a.forEach(v -> collectRefs(v, refs));
            }
        }
    }

    @Test
    @DisplayName("every route the router mounts is documented with the scope it needs, and every documented operation"
            + " is routed: the same set of method, path and scope both ways")
    void routerAndDocumentAgree() {
        Set<String> routed = HttpVerticle.routes(server.vertx, server.store).stream()
                .map(r -> r.method() + " " + openApiPath(r.path()) + " " + scope(r.access()))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> documented = contract.operations().stream()
                .map(op -> op.method().toUpperCase(Locale.ROOT) + " " + op.path() + " "
                        + op.spec().getString("x-scope"))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> undocumented = new TreeSet<>(routed);
        undocumented.removeAll(documented);
        Set<String> unrouted = new TreeSet<>(documented);
        unrouted.removeAll(routed);
        assertEquals(Set.of(), undocumented, "routed, not documented");
        assertEquals(Set.of(), unrouted, "documented, not routed");
        assertEquals(routed.size(), contract.operations().size());
    }

    /** Vert.x's {@code /api/agents/:name} as OpenAPI writes it, {@code /api/agents/{name}}. */
    static String openApiPath(String template) {
        return template.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
    }

    private static String scope(Api.Access access) {
        return access.scope == null ? "none" : access.scope.label();
    }

    @Nested
    @DisplayName("served")
    class Served {
        @Test
        @DisplayName("GET /openapi.json is the document as JSON, to anyone, with no key")
        void json() {
            HttpResponse<Buffer> r = server.get("/openapi.json");
            assertEquals(200, r.statusCode(), r.bodyAsString());
            assertEquals("application/json", r.getHeader("Content-Type"));
            assertEquals("nosniff", r.getHeader("X-Content-Type-Options"));
            assertEquals(Contract.read(), r.bodyAsJsonObject());
        }

        @Test
        @DisplayName("GET /openapi.yaml is the resource's bytes, application/yaml, to anyone, with no key")
        void yaml() throws IOException {
            HttpResponse<Buffer> r = server.get("/openapi.yaml");
            assertEquals(200, r.statusCode(), r.bodyAsString());
            assertEquals("application/yaml", r.getHeader("Content-Type"));
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(Contract.RESOURCE)) {
                assertEquals(Buffer.buffer(in.readAllBytes()), r.body());
            }
        }

        @Test
        @DisplayName("a valid key is taken too, an unknown one is a 401, HEAD answers without a body, and a query"
                + " parameter is a 400")
        void throughTheSameGate() {
            assertEquals(
                    200,
                    ApiKeys.send(server, HttpMethod.GET, "/openapi.json", null, KEY)
                            .statusCode());
            assertEquals(
                    401,
                    ApiKeys.send(server, HttpMethod.GET, "/openapi.yaml", null, Keys.generate())
                            .statusCode());
            HttpResponse<Buffer> head = TestServer.await(
                    server.http.request(HttpMethod.HEAD, "/openapi.json").send());
            assertEquals(200, head.statusCode());
            assertEquals("application/json", head.getHeader("Content-Type"));
            assertTrue(head.body() == null || head.body().length() == 0);
            assertEquals(
                    "unknown query parameter 'v'; this endpoint takes no query parameters",
                    problem(400, server.get("/openapi.yaml?v=1")));
        }
    }

    @Nested
    @DisplayName("the check of an answer")
    class Check {
        final MultiMap json = MultiMap.caseInsensitiveMultiMap()
                .add("Content-Type", "application/json")
                .add("ETag", "\"1\"");

        String check(HttpMethod method, String uri, int status, MultiMap headers, JsonObject body) {
            return contract.check(method, uri, status, headers::get, body == null ? null : body.toBuffer());
        }

        JsonObject workflow() {
            return new JsonObject()
                    .put("id", "w")
                    .put("workflow_name", "n")
                    .put("status", "pending")
                    .put("current_step", null)
                    .put("data", null)
                    .put("error_message", null)
                    .put("created_at", "2026-01-01T00:00:00.000Z")
                    .put("updated_at", "2026-01-01T00:00:00.000Z")
                    .put("completed_at", null)
                    .put("version", 1);
        }

        @Test
        @DisplayName("takes an answer the document describes")
        void takesWhatIsDescribed() {
            assertNull(check(HttpMethod.GET, "/api/workflows/w?x", 200, json, workflow()));
            assertNull(check(HttpMethod.HEAD, "/api/workflows/w", 200, json, null));
        }

        @Test
        @DisplayName("refuses a body that misses a field, has one too many or one of the wrong type, naming the"
                + " operation, the status and where the schema failed")
        void refusesAWrongBody() {
            String missing = check(
                    HttpMethod.GET,
                    "/api/workflows/w",
                    200,
                    json,
                    workflow().copy().put("x", 1));
            assertNotNull(missing);
            assertTrue(missing.contains("operation getWorkflow") && missing.contains("answered 200"), missing);
            JsonObject noName = workflow();
            noName.remove("workflow_name");
            assertNotNull(check(HttpMethod.GET, "/api/workflows/w", 200, json, noName));
            String wrongType = check(
                    HttpMethod.GET, "/api/workflows/w", 200, json, workflow().put("status", 3));
            assertNotNull(wrongType);
            assertTrue(wrongType.contains("/status"), wrongType);
        }

        @Test
        @DisplayName("refuses a status, a Content-Type or a required header the operation does not document")
        void refusesWhatIsNotDocumented() {
            assertTrue(check(HttpMethod.GET, "/api/workflows/w", 500, json, workflow())
                    .contains("not documented"));
            MultiMap noEtag = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json");
            assertTrue(check(HttpMethod.GET, "/api/workflows/w", 200, noEtag, workflow())
                    .contains("header ETag is required"));
            MultiMap text = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "text/plain");
            assertNotNull(check(HttpMethod.GET, "/api/workflows/w", 200, text, workflow()));
            JsonObject created = new JsonObject()
                    .put("id", "w")
                    .put("status", "created")
                    .put("workflow_name", "n")
                    .put("workflow", workflow());
            assertTrue(
                    check(HttpMethod.POST, "/api/workflows", 201, json, created).contains("Location"));
            assertNull(check(HttpMethod.POST, "/api/workflows", 201, json.copy().add("Location", "/x"), created));
        }

        @Test
        @DisplayName("takes the router's 404 and 405 only as problems, the 405 with Allow")
        void routerAnswersAreProblems() {
            MultiMap problemType = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/problem+json");
            JsonObject notFound = new JsonObject()
                    .put("type", "about:blank")
                    .put("title", "Not Found")
                    .put("status", 404)
                    .put("detail", "no endpoint /x")
                    .put("instance", "/x");
            assertNull(check(HttpMethod.GET, "/x", 404, problemType, notFound));
            assertNotNull(check(HttpMethod.GET, "/x", 404, json, notFound));
            assertNotNull(check(HttpMethod.GET, "/x", 200, problemType, notFound));
            JsonObject notAllowed = notFound.copy()
                    .put("status", 405)
                    .put("title", "Method Not Allowed")
                    .put("instance", "/api/alerts");
            assertNotNull(check(HttpMethod.DELETE, "/api/alerts", 405, problemType, notAllowed));
            assertNull(check(
                    HttpMethod.DELETE,
                    "/api/alerts",
                    405,
                    problemType.copy().add("Allow", "POST, GET, HEAD"),
                    notAllowed));
        }

        @Test
        @DisplayName("fails the request of a test whose answer the document does not describe: a client hooked as"
                + " TestServer's is, to a server that answers a workflow as {}")
        void failsTheTest() {
            HttpServer liar = TestServer.await(server.vertx
                    .createHttpServer()
                    .requestHandler(req -> req.response()
                            .putHeader("Content-Type", "application/json")
                            .end("{}"))
                    .listen(0, "127.0.0.1"));
            try {
                WebClient client = Contract.validate(
                        WebClient.create(
                                server.vertx,
                                new WebClientOptions()
                                        .setDefaultHost("127.0.0.1")
                                        .setDefaultPort(liar.actualPort())),
                        server.vertx);
                AssertionError e = assertThrows(
                        AssertionError.class,
                        () -> TestServer.await(client.get("/api/workflows/w").send()));
                assertTrue(e.getMessage().contains("openapi/openapi.yaml"), e.getMessage());
                assertTrue(e.getMessage().contains("getWorkflow"), e.getMessage());
                assertTrue(e.getMessage().contains("required"), e.getMessage());
                client.close();
            } finally {
                TestServer.await(liar.close());
            }
        }
    }
}
