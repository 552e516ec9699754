package dev.agentstore.support;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generated request bodies of each entity, every field the store keeps filled with generated text or JSON
 * (optional ones sometimes absent or null), within the store's limits: names and ids of at most 200 code
 * points (the limit is 1000 chars), texts of at most 4000.
 */
public final class Entities {
    private static final AtomicLong UNIQUE = new AtomicLong();

    private Entities() {}

    /** A generated name that no other call returns: ids and versions must not collide. */
    public static String unique(Generated g) {
        return g.name(180) + " #" + UNIQUE.incrementAndGet();
    }

    public static JsonObject workflow(Generated g) {
        JsonObject w = new JsonObject().put("workflow_name", g.name(200));
        return g.chance(0.8) ? w.put("initial_data", g.object(g.between(0, 4))) : maybeNull(g, w, "initial_data");
    }

    /** An update that changes at least one field and leaves the status pending, so that it can change again. */
    public static JsonObject workflowChange(Generated g) {
        JsonObject c = new JsonObject();
        if (g.chance(0.6)) {
            c.put("current_step", g.name(200));
        }
        if (g.chance(0.6)) {
            c.put("error_message", g.text(4000));
        }
        if (c.isEmpty() || g.chance(0.6)) {
            c.put("data", g.object(g.between(0, 4)));
        }
        return c;
    }

    public static JsonObject article(Generated g) {
        JsonObject a = new JsonObject().put("id", unique(g)).put("url", g.name(200));
        optionalText(g, a, "title");
        return optionalText(g, a, "content");
    }

    public static JsonObject alert(Generated g) {
        JsonObject a = new JsonObject().put("title", g.name(200));
        optionalText(g, a, "message");
        if (g.chance(0.7)) {
            a.put("source_url", g.name(200));
        }
        return a;
    }

    /** A version of an agent, without its agent_name (over HTTP the path names the agent). */
    public static JsonObject agentVersion(Generated g) {
        JsonObject v = new JsonObject().put("version", unique(g)).put("code", g.text(4000));
        optionalText(g, v, "description");
        if (g.chance(0.7)) {
            v.put("created_by", g.name(200));
        }
        return v;
    }

    /** {@code s} as one path segment: every byte of its UTF-8 but letters and digits percent-encoded. */
    public static String segment(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
                out.append((char) c);
            } else {
                out.append(String.format("%%%02X", c));
            }
        }
        return out.toString();
    }

    private static JsonObject optionalText(Generated g, JsonObject o, String field) {
        return g.chance(0.8) ? o.put(field, g.text(4000)) : maybeNull(g, o, field);
    }

    private static JsonObject maybeNull(Generated g, JsonObject o, String field) {
        return g.chance(0.5) ? o.putNull(field) : o;
    }
}
