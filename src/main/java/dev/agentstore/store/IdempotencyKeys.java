package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Idempotency keys (docs/api.md, "Retries"). A write that carries a key runs as a {@link Keyed} work: in the
 * writer's transaction it first looks the key up; a live key with the same request answers its stored answer
 * and writes nothing, a live key with another request is a 422, and otherwise the write runs and its answer is
 * stored beside it, in its savepoint, so that the answer and the write commit together or not at all. All of it
 * runs on the one writer of the database, so requests that race with one key are serialized there: the first
 * writes, the others find its answer.
 *
 * <p>Only answers are stored: a write that failed wrote nothing, so its retry runs again (a 503 must not be
 * replayed, and a 409 or 412 is refused again by the same checks).
 */
public final class IdempotencyKeys {
    public static final int MAX_KEY_CHARS = 255;

    private static final String SELECT =
            "SELECT fingerprint, response, created_ms FROM idempotency_keys WHERE caller = ? AND key = ?";
    private static final String INSERT =
            "INSERT INTO idempotency_keys (caller, key, fingerprint, response, created_ms) VALUES (?, ?, ?, ?, ?)";
    private static final String DELETE = "DELETE FROM idempotency_keys WHERE caller = ? AND key = ?";
    /**
     * The expired keys among the oldest {@code batch_rows} (by id, the order they were written in): the purge
     * reads the start of the table and stops at a step that finds a live key there, so that a clock that went
     * back never makes it scan the whole table on the writer.
     */
    private static final String PURGE = "DELETE FROM idempotency_keys WHERE id IN (SELECT id FROM"
            + " (SELECT id, created_ms FROM idempotency_keys ORDER BY id LIMIT ?) WHERE created_ms < ?)";

    private final long retentionMs;

    public IdempotencyKeys(Duration retention) {
        this.retentionMs = retention.toMillis();
    }

    /**
     * {@code key} as the caller gave it: 1 to 255 printable ASCII characters (spaces allowed inside), else a
     * 400 that says so. Null when none was given.
     */
    public static String validKey(String key) {
        if (key == null) {
            return null;
        }
        if (key.isEmpty() || key.length() > MAX_KEY_CHARS) {
            throw Fields.bad("the idempotency key must be 1 to " + MAX_KEY_CHARS + " characters, got " + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw Fields.bad("the idempotency key must be printable ASCII; character " + i + " is not");
            }
        }
        if (key.isBlank()) {
            throw Fields.bad("the idempotency key must not be blank");
        }
        return key;
    }

    /**
     * The request's fingerprint: SHA-256 of its address, action and body, the body's object keys sorted at every
     * depth, so that the same JSON in another key order or spacing is the same request.
     */
    public static String fingerprint(String address, String action, JsonObject body) {
        String canonical = address + "\n" + action + "\n" + Json.encode(canonical(body));
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static Object canonical(Object value) {
        if (value instanceof JsonObject o) {
            Map<String, Object> sorted = new TreeMap<>();
            o.forEach(e -> sorted.put(e.getKey(), canonical(e.getValue())));
            return sorted;
        }
        if (value instanceof JsonArray a) {
            List<Object> items = new ArrayList<>(a.size());
            a.forEach(v -> items.add(canonical(v)));
            return items;
        }
        return value;
    }

    /** {@code work} run under {@code key} of {@code caller}; {@code fingerprint} names the request. */
    public Keyed keyed(Work work, String caller, String key, String fingerprint) {
        return new Keyed(work, caller, key, fingerprint);
    }

    /** One keyed write; {@link #reply} tells its client whether its answer was a replay. */
    public final class Keyed implements Work {
        private final Work work;
        private final String caller;
        private final String key;
        private final String fingerprint;
        /** Set by {@link #run} on the writer thread, read by the reply on the same thread after COMMIT. */
        private boolean replayed;

        private Keyed(Work work, String caller, String key, String fingerprint) {
            this.work = work;
            this.caller = caller;
            this.key = key;
            this.fingerprint = fingerprint;
        }

        @Override
        public JsonObject run(Session s) throws SQLException {
            replayed = false;
            long now = System.currentTimeMillis();
            String storedFingerprint = null;
            String response = null;
            long createdMs = 0;
            boolean found;
            try (ResultSet rs = s.prepare(SELECT, caller, key).executeQuery()) {
                found = rs.next();
                if (found) {
                    storedFingerprint = rs.getString(1);
                    response = rs.getString(2);
                    createdMs = rs.getLong(3);
                }
            }
            if (found && createdMs >= now - retentionMs) {
                if (!storedFingerprint.equals(fingerprint)) {
                    throw new StoreException(
                            Failures.UNPROCESSABLE,
                            "the idempotency key '" + key + "' was used at "
                                    + Timestamps.format(Instant.ofEpochMilli(createdMs))
                                    + " for another request (another operation or body); send a new key for a new"
                                    + " request");
                }
                replayed = true;
                return new JsonObject(response);
            }
            if (found) {
                s.update(s.prepare(DELETE, caller, key)); // expired: the key is free again
            }
            JsonObject answer = work.run(s);
            s.update(s.prepare(INSERT, caller, key, fingerprint, answer.encode(), now));
            return answer;
        }

        /** {@code reply}, told on success whether the answer was the stored one. */
        public Reply reply(Reply reply) {
            return new Reply() {
                @Override
                public void ok(JsonObject body) {
                    reply.ok(body, replayed);
                }

                @Override
                public void ok(JsonObject body, boolean replay) {
                    reply.ok(body, replayed || replay);
                }

                @Override
                public void fail(int code, String message) {
                    reply.fail(code, message);
                }
            };
        }
    }

    /**
     * The purge of the expired keys of {@code db}: every {@code intervalMs}, at most {@code batchRows} per write
     * request, from the start of the table.
     */
    public static TablePurge purge(Vertx vertx, Database db, Duration retention, int batchRows, long intervalMs) {
        return new TablePurge(vertx, db, "expired idempotency keys", PURGE, retention, batchRows, intervalMs);
    }
}
