package dev.agentstore.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.impl.ClientPhase;
import io.vertx.ext.web.client.impl.HttpContext;
import io.vertx.ext.web.client.impl.WebClientInternal;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The API's OpenAPI 3.1 document (src/main/resources/openapi/openapi.yaml), and the check of a real answer against
 * it: the operation that the method and path name, its documented statuses, the Content-Type, the required headers
 * and the body against the schema. {@link #validate} hooks the check into a {@link WebClient}, so that every answer
 * a test receives through {@link TestServer#http} fails the test when the document does not describe it.
 *
 * <p>The document is checked against the OpenAPI 3.1 meta-schema with vertx-openapi's {@link OpenAPIVersion}, and
 * answers against its schemas with vertx-json-schema (JSON Schema 2020-12), as its {@code OpenAPIContract} and
 * {@code ResponseValidator} do; those are not used, because 5.0.x refuses responses of
 * {@code application/problem+json} and {@code application/yaml}. The {@code $ref}s are inlined here: the library's
 * resolved document is a lazy proxy that this check cannot walk.
 */
public final class Contract {
    public static final String RESOURCE = "openapi/openapi.yaml";
    private static final String META_SCHEMA = "https://spec.openapis.org/oas/3.1/schema/2022-10-07";
    private static final String BASE_URI = "https://agent-store.invalid/openapi.json";
    private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch");
    private static volatile Contract loaded;

    /** The document as written, YAML read as JSON. */
    public final JsonObject document;
    /** The document with every {@code $ref} replaced by what it names ({@link #inline}). */
    public final JsonObject resolved;
    /** What the meta-schema said of the document. */
    public final OutputUnit metaSchema;

    private final SchemaRepository repository;
    private final List<Operation> operations;
    private final Map<JsonObject, Validator> validators = new ConcurrentHashMap<>();

    /** One documented operation: {@code GET /api/workflows/{id}} and its object in the resolved document. */
    public record Operation(String method, String path, String[] segments, JsonObject spec) {
        public String id() {
            return spec.getString("operationId");
        }

        @Override
        public String toString() {
            return method.toUpperCase(Locale.ROOT) + " " + path + " (" + id() + ")";
        }
    }

    private Contract(JsonObject document, SchemaRepository repository, OutputUnit metaSchema, JsonObject resolved) {
        this.document = document;
        this.repository = repository;
        this.metaSchema = metaSchema;
        this.resolved = resolved;
        List<Operation> ops = new ArrayList<>();
        JsonObject paths = resolved.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(path);
            for (String method : METHODS) {
                if (item.containsKey(method)) {
                    ops.add(new Operation(method, path, path.split("/"), item.getJsonObject(method)));
                }
            }
        }
        this.operations = List.copyOf(ops);
    }

    /** The document, read, checked and resolved once per JVM; blocks, so call it on a test thread. */
    public static Contract get(Vertx vertx) {
        Contract c = loaded;
        if (c == null) {
            synchronized (Contract.class) {
                c = loaded;
                if (c == null) {
                    c = load(vertx);
                    loaded = c;
                }
            }
        }
        return c;
    }

    private static Contract load(Vertx vertx) {
        JsonObject document = read();
        OpenAPIVersion version = OpenAPIVersion.fromContract(document);
        SchemaRepository repository = TestServer.await(version.getRepository(vertx, BASE_URI));
        OutputUnit meta = TestServer.await(version.validateContract(vertx, repository, document));
        return new Contract(document, repository, meta, (JsonObject) inline(document, document, 0));
    }

    /**
     * {@code node} with every {@code $ref} (a JSON pointer into {@code root}) replaced by a copy of what it names, the
     * reference's own members (a description) over it. A reference that names nothing is an error.
     */
    private static Object inline(Object node, JsonObject root, int depth) {
        if (depth > 64) {
            throw new IllegalStateException("references nest deeper than 64: a cycle?");
        }
        if (node instanceof JsonObject o) {
            JsonObject out = new JsonObject();
            if (o.getValue("$ref") instanceof String ref) {
                Object target = pointer(root, ref);
                if (!(target instanceof JsonObject)) {
                    throw new IllegalStateException("$ref " + ref + " names no object of the document");
                }
                out.mergeIn((JsonObject) inline(target, root, depth + 1));
            }
            o.forEach(e -> {
                if (!e.getKey().equals("$ref")) {
                    out.put(e.getKey(), inline(e.getValue(), root, depth));
                }
            });
            return out;
        }
        if (node instanceof JsonArray a) {
            JsonArray out = new JsonArray();
            a.forEach(v -> out.add(inline(v, root, depth)));
            return out;
        }
        return node;
    }

    /** What a reference {@code #/a/b~1c} names in {@code root} (RFC 6901), or null. */
    public static Object pointer(JsonObject root, String ref) {
        if (!ref.startsWith("#/")) {
            return null;
        }
        Object node = root;
        for (String raw : ref.substring(2).split("/", -1)) {
            String token = raw.replace("~1", "/").replace("~0", "~");
            node = node instanceof JsonObject o ? o.getValue(token) : null;
        }
        return node;
    }

    /** The YAML resource as JSON; a key given twice is an error. */
    @SuppressWarnings("unchecked")
    public static JsonObject read() {
        try (InputStream in = Contract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path");
            }
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Object> doc = (Map<String, Object>)
                    new Load(LoadSettings.builder().setAllowDuplicateKeys(false).build()).loadFromString(yaml);
            return new JsonObject(doc).copy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the OpenAPI 3.1 meta-schema says of {@code document}: for the test that it refuses a broken one. */
    public OutputUnit metaSchema(JsonObject document) {
        return repository.validator(META_SCHEMA).validate(document);
    }

    /** Null when {@code value} matches {@code schema} (a schema of the resolved document); else the errors. */
    public String errors(JsonObject schema, Object value) {
        return errors(validator(schema).validate(value));
    }

    public List<Operation> operations() {
        return operations;
    }

    /**
     * Null when the document describes this answer to {@code method uri}; else what it does not describe, naming
     * the operation, the status and the schema's errors. {@code header} gives a header of the answer, or null.
     */
    public String check(HttpMethod method, String uri, int status, Function<String, String> header, Buffer body) {
        String path = path(uri);
        String[] segments = path.split("/");
        List<Operation> atPath = operations.stream()
                .filter(op -> matches(op.segments(), segments))
                .collect(Collectors.toList());
        String answer = method + " " + uri + " answered " + status + " " + header.apply("Content-Type");
        if (status == 421) {
            // the Host check answers before any route, on every path (the document's description says so)
            return problem(answer, status, header, body);
        }
        if (atPath.isEmpty()) {
            // no documented path: the router's 404 (or a 400 for a path it cannot read), a problem
            return status == 404 || status == 400
                    ? problem(answer, status, header, body)
                    : answer + ": no operation of"
                            + " the document has this path, and the answer is not the 404 of a path that names nothing";
        }
        String wanted = (method == HttpMethod.HEAD ? "get" : method.name().toLowerCase(Locale.ROOT));
        Operation op = atPath.stream()
                .filter(o -> o.method().equals(wanted))
                .findFirst()
                .orElse(null);
        if (op == null) {
            if (status == 405) {
                return header.apply("Allow") == null
                        ? answer + ": a 405 without Allow"
                        : problem(answer, status, header, body);
            }
            return status == 400
                    ? problem(answer, status, header, body)
                    : answer + ": the document has no " + method + " at "
                            + atPath.get(0).path() + ", and the answer is not its 405";
        }
        answer = answer + " (operation " + op.id() + ")";
        JsonObject response = op.spec().getJsonObject("responses").getJsonObject(Integer.toString(status));
        if (response == null) {
            return answer + ": status " + status + " is not documented; documented: "
                    + String.join(", ", op.spec().getJsonObject("responses").fieldNames());
        }
        String headers = headers(response, header);
        if (headers != null) {
            return answer + ": " + headers;
        }
        JsonObject content = response.getJsonObject("content");
        String type = header.apply("Content-Type");
        boolean empty = body == null || body.length() == 0;
        if (content == null || content.isEmpty()) {
            return empty ? null : answer + ": status " + status + " documents no body, and it has one";
        }
        JsonObject media = type == null
                ? null
                : content.fieldNames().stream()
                        .filter(documented -> normal(documented).equals(normal(type)))
                        .map(content::getJsonObject)
                        .findFirst()
                        .orElse(null);
        if (media == null) {
            return answer + ": Content-Type " + type + " is not documented for status " + status + "; documented: "
                    + String.join(", ", content.fieldNames());
        }
        if (method == HttpMethod.HEAD) {
            return empty ? null : answer + ": a HEAD answer has a body";
        }
        if (empty) {
            return answer + ": no body, and the document has one";
        }
        String errors = body(type, media.getJsonObject("schema"), body);
        return errors == null ? null : answer + ": the body does not match the schema: " + errors;
    }

    /** A media type as compared: {@code application/json; charset=UTF-8} is {@code application/json;charset=utf-8}. */
    private static String normal(String mediaType) {
        return mediaType.replace(" ", "").toLowerCase(Locale.ROOT);
    }

    /** The path of a request's URI: no query, no fragment, no scheme or authority. */
    private static String path(String uri) {
        String path = uri;
        int scheme = path.indexOf("://");
        if (scheme >= 0) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        int end = path.length();
        for (char c : new char[] {'?', '#'}) {
            int i = path.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        return path.substring(0, end);
    }

    /** Whether a path's segments fit a template's: each the same, or any non-empty text for a {@code {param}}. */
    private static boolean matches(String[] template, String[] segments) {
        if (template.length != segments.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            boolean param = template[i].startsWith("{") && !segments[i].isEmpty();
            if (!param && !template[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    /** A router's own answer (404, 405, 400 before any route): a problem of that status. */
    private String problem(String answer, int status, Function<String, String> header, Buffer body) {
        String type = header.apply("Content-Type");
        if (!"application/problem+json".equals(type)) {
            return answer + ": not application/problem+json";
        }
        JsonObject schema = resolved.getJsonObject("components")
                .getJsonObject("schemas")
                .getJsonObject("Problem")
                .copy();
        schema.getJsonObject("properties").put("status", new JsonObject().put("const", status));
        String errors = body(type, schema, body);
        return errors == null ? null : answer + ": the body is not a Problem: " + errors;
    }

    private String headers(JsonObject response, Function<String, String> header) {
        JsonObject headers = response.getJsonObject("headers");
        if (headers == null) {
            return null;
        }
        for (String name : headers.fieldNames()) {
            JsonObject spec = headers.getJsonObject(name);
            String value = header.apply(name);
            if (value == null) {
                if (spec.getBoolean("required", false)) {
                    return "header " + name + " is required and missing";
                }
                continue;
            }
            JsonObject schema = spec.getJsonObject("schema");
            if (schema != null) {
                String errors = errors(validator(schema).validate(value));
                if (errors != null) {
                    return "header " + name + ": " + value + " does not match its schema: " + errors;
                }
            }
        }
        return null;
    }

    /** Null when {@code body}, read as {@code type} says, matches {@code schema}; else the errors. */
    private String body(String type, JsonObject schema, Buffer body) {
        Object value;
        String media = normal(type.contains(";") ? type.substring(0, type.indexOf(';')) : type);
        if (media.equals("application/json") || media.endsWith("+json")) {
            try {
                value = Json.decodeValue(body);
            } catch (DecodeException e) {
                return "it is not JSON: " + e.getMessage();
            }
        } else {
            value = body.toString(StandardCharsets.UTF_8);
        }
        return schema == null ? null : errors(validator(schema).validate(value));
    }

    private Validator validator(JsonObject schema) {
        return validators.computeIfAbsent(schema, s -> repository.validator(JsonSchema.of(s)));
    }

    private static String errors(OutputUnit out) {
        if (Boolean.TRUE.equals(out.getValid())) {
            return null;
        }
        List<OutputUnit> errors = out.getErrors() == null || out.getErrors().isEmpty() ? List.of(out) : out.getErrors();
        Map<String, String> shown = new LinkedHashMap<>();
        for (OutputUnit e : errors) {
            shown.putIfAbsent(e.getInstanceLocation() + " " + e.getKeywordLocation(), e.getError());
        }
        return shown.entrySet().stream()
                .map(e -> "at " + e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining("; "));
    }

    /**
     * Hooks the check into {@code client}: every answer it receives is checked (on a worker of the test's own, not
     * the server's event loops or workers), and one that the document does not describe fails the request with an
     * {@link AssertionError} that says why.
     */
    public static WebClient validate(WebClient client, Vertx vertx) {
        Contract contract = get(vertx);
        WorkerExecutor workers = vertx.createSharedWorkerExecutor("openapi-contract-check", 2);
        ((WebClientInternal) client).addInterceptor(ctx -> {
            if (ctx.phase() != ClientPhase.DISPATCH_RESPONSE) {
                ctx.next();
                return;
            }
            checked(contract, workers, ctx).onComplete(ar -> {
                if (ar.failed()) {
                    ctx.fail(ar.cause());
                } else if (ar.result() != null) {
                    ctx.fail(new AssertionError("the answer does not agree with " + RESOURCE + ": " + ar.result()));
                } else {
                    ctx.next();
                }
            });
        });
        return client;
    }

    private static Future<String> checked(Contract contract, WorkerExecutor workers, HttpContext<?> ctx) {
        HttpMethod method = ctx.request().method();
        String uri = ctx.request().uri();
        HttpResponse<?> response = ctx.response();
        Object raw = response.body();
        Buffer body = raw == null ? null : raw instanceof Buffer b ? b : Buffer.buffer(String.valueOf(raw));
        return workers.executeBlocking(
                () -> contract.check(method, uri, response.statusCode(), response::getHeader, body), false);
    }
}
