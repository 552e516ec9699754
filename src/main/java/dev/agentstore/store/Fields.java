package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * Validation of request bodies, shared by every entity. Every failure is a 400 (or a 413 for a value
 * over its size limit) whose message names the field and says what is wrong.
 */
public final class Fields {
  /** Names, ids, statuses, steps: short strings. */
  public static final int SHORT_TEXT = 1000;

  private Fields() {}

  public static StoreException bad(String message) {
    return new StoreException(Failures.BAD_REQUEST, message);
  }

  /** Refuses fields that this request does not know, so that a typo is an error, not a silent no-op. */
  public static void onlyKnown(JsonObject body, Set<String> allowed) {
    for (String name : body.fieldNames()) {
      if (!allowed.contains(name)) {
        throw bad("unknown field '" + name + "'; allowed: " + String.join(", ", new TreeSet<>(allowed)));
      }
    }
  }

  public static String requiredText(JsonObject body, String field, int maxChars) {
    String s = optionalText(body, field, maxChars);
    if (s == null) {
      throw bad("'" + field + "' is required");
    }
    return s;
  }

  /** A string field that may be absent or null; blank is refused, as it names nothing. */
  public static String optionalText(JsonObject body, String field, int maxChars) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw bad("'" + field + "' must be a string, got " + typeName(v));
    }
    if (s.isBlank()) {
      throw bad("'" + field + "' must not be empty");
    }
    if (s.length() > maxChars) {
      throw bad("'" + field + "' must be at most " + maxChars + " characters, got " + s.length());
    }
    return s;
  }

  /** A long text (content, code, a message) whose UTF-8 size is limited by limits.max_field_bytes. */
  public static String optionalLongText(JsonObject body, String field, int maxBytes) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw bad("'" + field + "' must be a string, got " + typeName(v));
    }
    checkSize(field, s, maxBytes);
    return s;
  }

  /** A JSON object field, returned encoded; null when absent or null. */
  public static String optionalObject(JsonObject body, String field, int maxBytes) {
    Object v = body.getValue(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof JsonObject o)) {
      throw bad("'" + field + "' must be a JSON object, got " + typeName(v));
    }
    String encoded = o.encode();
    checkSize(field, encoded, maxBytes);
    return encoded;
  }

  public static int intIn(JsonObject body, String field, int def, int min, int max) {
    Object v = body.getValue(field);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Integer || v instanceof Long)) {
      throw bad("'" + field + "' must be a whole number, got " + typeName(v));
    }
    long n = ((Number) v).longValue();
    if (n < min || n > max) {
      throw bad("'" + field + "' must be between " + min + " and " + max + ", got " + n);
    }
    return (int) n;
  }

  private static void checkSize(String field, String s, int maxBytes) {
    // A char is at most 3 UTF-8 bytes: skip the encoding for the common small case.
    if ((long) s.length() * 3 > maxBytes) {
      int bytes = s.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxBytes) {
        throw new StoreException(Failures.TOO_LARGE,
            "'" + field + "' must be at most " + maxBytes + " bytes, got " + bytes);
      }
    }
  }

  static String typeName(Object v) {
    if (v instanceof String) {
      return "a string";
    } else if (v instanceof Number) {
      return "a number";
    } else if (v instanceof Boolean) {
      return "a boolean";
    } else if (v instanceof JsonArray) {
      return "an array";
    } else if (v instanceof JsonObject) {
      return "an object";
    }
    return v.getClass().getSimpleName();
  }
}
