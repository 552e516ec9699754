package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validation of request bodies, shared by every entity. Every failure is a 400 (or a 413 for a value
 * over its size limit) whose message names the field and says what is wrong. Every string and stored
 * object passes {@link StoredValues}, so that what is stored reads back as it was given.
 */
public final class Fields {
    /** Names, ids, statuses, steps: short strings. */
    public static final int SHORT_TEXT = 1000;
    /** URLs: longer than names, as query strings can be. */
    public static final int URL_TEXT = 8192;

    private Fields() {}

    public static StoreException bad(String message) {
        return new StoreException(Failures.BAD_REQUEST, message);
    }

    /** Refuses fields that this request does not know, so that a typo is an error, not a silent no-op. */
    public static void onlyKnown(JsonObject body, Set<String> allowed) {
        onlyKnown(body, Set.of(), allowed);
    }

    /**
     * As above, for a request on the row that the {@code key} fields name. They are accepted but not listed
     * as allowed: over HTTP they come from the path, and a body that holds them is refused.
     */
    public static void onlyKnown(JsonObject body, Set<String> key, Set<String> allowed) {
        for (String name : body.fieldNames()) {
            if (!allowed.contains(name) && !key.contains(name)) {
                throw bad("unknown field '" + name + "'; allowed: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    public static String requiredText(JsonObject body, String field, int maxChars) {
        String s = optionalText(body, field, maxChars);
        if (s == null) {
            throw missing(field);
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
        return StoredValues.text(field, s);
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
        StoredValues.object(field, o.getMap());
        String encoded = o.encode();
        checkSize(field, encoded, maxBytes);
        return encoded;
    }

    /** A long text that must be present (it may be empty): code, for one. */
    public static String requiredLongText(JsonObject body, String field, int maxBytes) {
        String s = optionalLongText(body, field, maxBytes);
        if (s == null) {
            throw missing(field);
        }
        return s;
    }

    /** A boolean field; null when absent or null. */
    public static Boolean optionalBoolean(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Boolean b)) {
            throw bad("'" + field + "' must be true or false, got " + typeName(v));
        }
        return b;
    }

    public static boolean requiredBoolean(JsonObject body, String field) {
        Boolean b = optionalBoolean(body, field);
        if (b == null) {
            throw missing(field);
        }
        return b;
    }

    public static long requiredLong(JsonObject body, String field) {
        Object v = body.getValue(field);
        if (v == null) {
            throw missing(field);
        }
        return wholeNumber(field, v);
    }

    /**
     * The items of a batch request, each read by {@code parse}, all before anything is written. The array
     * must hold 1..{@code maxItems} objects (more is 413); a failure names the item, as in
     * {@code articles[3]: 'url' must be a string, got a number}, and keeps its code.
     */
    public static <T> List<T> items(JsonObject body, String field, int maxItems, Function<JsonObject, T> parse) {
        return items(body, field, 1, maxItems, parse);
    }

    /** As above, with at least {@code minItems} items: 0 for a batch that may be empty (an empty scrape). */
    public static <T> List<T> items(
            JsonObject body, String field, int minItems, int maxItems, Function<JsonObject, T> parse) {
        Object v = body.getValue(field);
        if (v == null) {
            throw missing(field);
        }
        if (!(v instanceof JsonArray array)) {
            throw bad("'" + field + "' must be an array, got " + typeName(v));
        }
        if (array.size() < minItems) {
            throw bad("'" + field + "' must hold at least " + minItems + " item" + (minItems == 1 ? "" : "s"));
        }
        if (array.size() > maxItems) {
            throw new StoreException(
                    Failures.TOO_LARGE,
                    "'" + field + "' holds " + array.size() + " items; a batch may hold at most " + maxItems
                            + " (limits.max_batch_items)");
        }
        List<T> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            Object item = array.getValue(i);
            if (!(item instanceof JsonObject o)) {
                throw bad(field + "[" + i + "] must be a JSON object, got " + (item == null ? "null" : typeName(item)));
            }
            try {
                items.add(parse.apply(o));
            } catch (StoreException e) {
                throw new StoreException(e.code(), field + "[" + i + "]: " + e.getMessage());
            }
        }
        return items;
    }

    /**
     * A version a write expects ({@code expected_version}, {@code expected_row_version}): a whole number of at
     * least 1 (versions start there); null when absent or null.
     */
    public static Long optionalVersion(JsonObject body, String field) {
        if (body.getValue(field) == null) {
            return null;
        }
        long v = requiredLong(body, field);
        if (v < 1) {
            throw bad("'" + field + "' must be at least 1, got " + v);
        }
        return v;
    }

    /**
     * A timestamp given by the caller (an import, a backfill, the Python scraper's {@code created_at}), stored as
     * given: ISO-8601 {@code YYYY-MM-DD}, {@code T} or a space, {@code HH:MM:SS}, an optional fraction of 1 to 9
     * digits and an optional {@code Z} or {@code ±HH:MM}, the forms the Python implementation wrote and read. A
     * date or a time that does not exist is refused. Null when absent or null.
     */
    public static String optionalTimestamp(JsonObject body, String field) {
        String s = optionalText(body, field, 64);
        if (s == null) {
            return null;
        }
        Matcher m = TIMESTAMP.matcher(s);
        if (!m.matches()) {
            throw bad("'" + field + "' must be an ISO-8601 timestamp such as 2025-11-28T03:50:52.611432 or"
                    + " 2025-11-28T03:50:52Z, got '" + s + "'");
        }
        try {
            LocalDateTime.parse(m.group(1) + "T" + m.group(2));
            if (m.group(3) != null && !m.group(3).equals("Z")) {
                ZoneOffset.of(m.group(3));
            }
        } catch (DateTimeException e) {
            throw bad("'" + field + "' is not a time that exists: '" + s + "'");
        }
        return s;
    }

    private static final Pattern TIMESTAMP =
            Pattern.compile("(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?)(Z|[+-]\\d{2}:\\d{2})?");

    public static int intIn(JsonObject body, String field, int def, int min, int max) {
        Object v = body.getValue(field);
        if (v == null) {
            return def;
        }
        long n = wholeNumber(field, v);
        if (n < min || n > max) {
            throw bad("'" + field + "' must be between " + min + " and " + max + ", got " + n);
        }
        return (int) n;
    }

    private static StoreException missing(String field) {
        return bad("'" + field + "' is required");
    }

    private static long wholeNumber(String field, Object v) {
        if (v instanceof BigInteger) {
            throw bad("'" + field + "' must be a whole number of at most 64 bits, got a larger one");
        }
        if (!(v instanceof Integer || v instanceof Long)) {
            throw bad("'" + field + "' must be a whole number, got " + typeName(v));
        }
        return ((Number) v).longValue();
    }

    /** Measures {@code s} in UTF-8 in the pass that checks that it is Unicode (StoredValues.utf8Length). */
    private static void checkSize(String field, String s, int maxBytes) {
        long bytes = StoredValues.utf8Length(field, s);
        if (bytes > maxBytes) {
            throw new StoreException(
                    Failures.TOO_LARGE, "'" + field + "' must be at most " + maxBytes + " bytes, got " + bytes);
        }
    }

    private static String typeName(Object v) {
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
