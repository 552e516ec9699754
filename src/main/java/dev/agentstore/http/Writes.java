package dev.agentstore.http;

import dev.agentstore.bus.Answer;
import dev.agentstore.bus.Failures;
import dev.agentstore.bus.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * The HTTP side of writes that can be retried and of optimistic concurrency (docs/api.md, "Retries and
 * concurrent writers"): {@code Idempotency-Key} in, {@code Idempotent-Replayed} out; {@code ETag} on an entity,
 * {@code If-None-Match} (304) on its GET, {@code If-Match} (412, or 428 when required) on its update.
 */
final class Writes {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    static final String REPLAYED = "Idempotent-Replayed";

    private final boolean requireIfMatch;

    Writes(boolean requireIfMatch) {
        this.requireIfMatch = requireIfMatch;
    }

    /** Thrown while a request is read, for a precondition that fails before the store is asked: 412 or 428. */
    static final class Precondition extends RuntimeException {
        final int status;

        Precondition(int status, String detail) {
            super(detail, null, false, false);
            this.status = status;
        }
    }

    /** The request's {@code Idempotency-Key} (the store checks its form), of the key that called, if any. */
    static WriteOptions options(RoutingContext ctx) {
        String key = ctx.request().getHeader(IDEMPOTENCY_KEY);
        if (key == null) {
            return WriteOptions.NONE;
        }
        if (ctx.request().headers().getAll(IDEMPOTENCY_KEY).size() > 1) {
            throw new Problems.BadRequest("give one Idempotency-Key header, not several");
        }
        String name = Gate.keyName(ctx);
        return new WriteOptions(key, name == null ? "http" : "key:" + name);
    }

    /**
     * The version an update's {@code If-Match} names: null for none or {@code *} (the update itself answers 404
     * for a row that does not exist). A weak tag, or a tag this server never gave, can never match: 412 at once
     * (RFC 9110, strong comparison). Without the header, 428 when {@code http.require_if_match} is set.
     */
    Long ifMatch(RoutingContext ctx) {
        String header = ctx.request().getHeader(HttpHeaders.IF_MATCH);
        if (header == null) {
            if (requireIfMatch) {
                throw new Precondition(
                        Failures.PRECONDITION_REQUIRED,
                        "this server takes updates only with If-Match: GET the resource and send its ETag");
            }
            return null;
        }
        String value = header.trim();
        if (value.equals("*")) {
            return null;
        }
        if (value.contains(",")) {
            throw new Problems.BadRequest("If-Match: give one ETag (or *), as the GET answered it");
        }
        Long version = version(value);
        if (version == null || version < 1) {
            throw new Precondition(
                    Failures.PRECONDITION_FAILED,
                    "If-Match " + Problems.quoted(value) + " matches no ETag of this server (a strong tag such as"
                            + " \"3\", as the GET answered it)");
        }
        return version;
    }

    /**
     * {@code body} of an update with the version its If-Match names put in {@code field} ({@code expected_version},
     * {@code expected_row_version}); a body that names the field itself is a 400, as over HTTP it is the header.
     */
    JsonObject withIfMatch(RoutingContext ctx, JsonObject body, String field) {
        if (body.containsKey(field)) {
            throw new Problems.BadRequest("over HTTP the " + field + " is the If-Match header");
        }
        Long expected = ifMatch(ctx);
        return expected == null ? body : body.copy().put(field, expected);
    }

    /** {@code "N"} as a version, or null for anything else (a weak tag included). */
    private static Long version(String tag) {
        if (tag.length() < 3 || tag.charAt(0) != '"' || tag.charAt(tag.length() - 1) != '"') {
            return null;
        }
        String digits = tag.substring(1, tag.length() - 1);
        if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return Long.parseLong(digits);
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /**
     * Whether {@code If-None-Match} names {@code etag} (weak comparison, RFC 9110: {@code W/"3"} matches
     * {@code "3"}) or is {@code *}.
     */
    static boolean notModified(RoutingContext ctx, String etag) {
        String header = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
        if (header == null) {
            return false;
        }
        for (String part : header.split(",")) {
            String tag = part.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** The ETag of an entity whose reply holds its version in {@code field}. */
    static Function<JsonObject, String> versionTag(String field) {
        return body -> etag(body.getLong(field, 0L));
    }

    /**
     * A GET of one entity: 200 with its {@code ETag} ({@code etag} of the reply), or 304 without a body when
     * {@code If-None-Match} names it.
     */
    static void entity(RoutingContext ctx, Supplier<Future<JsonObject>> call, Function<JsonObject, String> etag) {
        Responses.called(call)
                .onSuccess(body -> {
                    String tag = etag.apply(body);
                    ctx.response().putHeader(HttpHeaders.ETAG, tag);
                    if (notModified(ctx, tag)) {
                        if (!ctx.response().closed()) {
                            ctx.response().setStatusCode(304).end();
                        }
                    } else {
                        Responses.send(ctx, 200, body);
                    }
                })
                .onFailure(err -> Problems.fail(ctx, err));
    }

    /**
     * A write: {@code call} gets the request's {@link WriteOptions} (it may throw while it reads the request); the
     * answer is {@code status} with {@code shape} applied, with {@code Idempotent-Replayed: true} when it is a
     * key's stored answer, and the {@code ETag} of {@code version} applied to the answer when that is not null.
     */
    static void write(
            RoutingContext ctx,
            Function<WriteOptions, Future<Answer>> call,
            ToIntFunction<JsonObject> status,
            Function<JsonObject, JsonObject> shape,
            Function<JsonObject, Long> version) {
        Responses.called(() -> call.apply(options(ctx)))
                .onSuccess(a -> {
                    if (a.replayed()) {
                        ctx.response().putHeader(REPLAYED, "true");
                    }
                    Long v = version == null ? null : version.apply(a.body());
                    if (v != null) {
                        ctx.response().putHeader(HttpHeaders.ETAG, etag(v));
                    }
                    Responses.send(ctx, status.applyAsInt(a.body()), shape.apply(a.body()));
                })
                .onFailure(err -> Problems.fail(ctx, err));
    }
}
