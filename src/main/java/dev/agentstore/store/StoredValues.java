package dev.agentstore.store;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the store keeps must read back as it was given (docs/api.md, "What is stored is what was
 * acknowledged"). Bodies come over the bus as JsonObjects built by other verticles, not only by the HTTP
 * verticle's strict decoder, so the store checks for itself:
 *
 * <ul>
 *   <li>text is Unicode: a surrogate without its pair is refused, as SQLite's driver would store it as
 *       {@code ?} (and {@code surr-\ud800-x} and {@code surr-\udbff-x} would become one id);
 *   <li>a stored object ({@code initial_data}, {@code data}) holds JSON values only: objects (JsonObject or
 *       Map with String keys), arrays (JsonArray or List), strings, booleans, null, whole numbers (Integer,
 *       Long, Short, Byte, BigInteger of at most {@value #MAX_DIGITS} digits) and finite Doubles. NaN and
 *       Infinity would be stored as strings, a Float or a BigDecimal would read back as another double, an
 *       Instant or a byte[] as a string: each is refused, with the JSON pointer of the value;
 *   <li>it nests at most {@value #MAX_DEPTH} levels, so that it can be read back and encoded inside a reply
 *       (Jackson reads and writes at most 1000 levels, and a list reply wraps it in three more).
 * </ul>
 */
public final class StoredValues {
    public static final int MAX_DEPTH = 500;
    /** Jackson's StreamReadConstraints: a longer number could not be read back. */
    public static final int MAX_DIGITS = 1000;

    private StoredValues() {}

    /** {@code s} when it is Unicode text, else a 400 that names {@code field}. */
    public static String text(String field, String s) {
        int at = loneSurrogate(s);
        if (at >= 0) {
            throw Fields.bad("'" + field + "' holds an unpaired surrogate " + escape(s.substring(at, at + 1))
                    + " at index " + at + "; " + UNICODE);
        }
        return s;
    }

    /**
     * The length of {@code s} in UTF-8, counted in the one pass that checks that it is Unicode text (else a
     * 400 that names {@code field}): no copy, where {@code getBytes} would encode a megabyte to measure it.
     */
    public static long utf8Length(String field, String s) {
        int n = s.length();
        long bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (!Character.isSurrogate(c)) {
                    bytes += 2;
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    bytes += 2; // two chars, four bytes
                    i++;
                } else {
                    text(field, s);
                }
            }
        }
        return bytes;
    }

    /** Checks every value of {@code object}, the value of {@code field}, as the class comment says. */
    public static void object(String field, Map<String, Object> object) {
        new Walk(field).value(object, 1);
    }

    private static final String UNICODE =
            "text must be Unicode (a high surrogate \\ud800-\\udbff followed by a low one \\udc00-\\udfff)";

    /** The JSON pointer of the value being checked, kept as a stack of keys and indexes. */
    private static final class Walk {
        private final String field;
        private final List<Object> path = new ArrayList<>();

        Walk(String field) {
            this.field = field;
        }

        void value(Object v, int depth) {
            if (v == null
                    || v instanceof String s && loneSurrogate(s) < 0
                    || v instanceof Boolean
                    || v instanceof Integer
                    || v instanceof Long
                    || v instanceof Short
                    || v instanceof Byte) {
                return;
            }
            if (v instanceof io.vertx.core.json.JsonObject o) {
                members(o.getMap(), depth);
            } else if (v instanceof Map<?, ?> m) {
                members(m, depth);
            } else if (v instanceof io.vertx.core.json.JsonArray a) {
                items(a.getList(), depth);
            } else if (v instanceof List<?> l) {
                items(l, depth);
            } else if (v instanceof String s) {
                fail("an unpaired surrogate " + escape(s.substring(loneSurrogate(s), loneSurrogate(s) + 1)), UNICODE);
            } else if (v instanceof Double d) {
                if (!Double.isFinite(d)) {
                    fail(
                            d.toString(),
                            "a stored number must be finite (it would be stored as the string \"" + d + "\")");
                }
            } else if (v instanceof BigInteger b) {
                if (b.bitLength() > 3 * MAX_DIGITS && b.abs().toString().length() > MAX_DIGITS) {
                    fail("a number of more than " + MAX_DIGITS + " digits", "it could not be read back");
                }
            } else if (v instanceof Float) {
                fail("a Float", "put a Double (a Float's decimal form reads back as another double)");
            } else if (v instanceof Number) {
                fail("a " + v.getClass().getName(), "put a Double, or a BigInteger for a whole number");
            } else {
                fail("a " + v.getClass().getName(), "a stored object holds JSON values only: put it as a string");
            }
        }

        private void members(Map<?, ?> m, int depth) {
            nested(depth);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    fail(
                            "a key that is "
                                    + (e.getKey() == null
                                            ? "null"
                                            : "a " + e.getKey().getClass().getName()),
                            "keys are strings");
                    return;
                }
                path.add(key);
                if (loneSurrogate(key) >= 0) {
                    fail("a key with an unpaired surrogate", UNICODE);
                }
                value(e.getValue(), depth + 1);
                path.remove(path.size() - 1);
            }
        }

        private void items(List<?> list, int depth) {
            nested(depth);
            for (int i = 0; i < list.size(); i++) {
                path.add(i);
                value(list.get(i), depth + 1);
                path.remove(path.size() - 1);
            }
        }

        private void nested(int depth) {
            if (depth > MAX_DEPTH) {
                fail("more than " + MAX_DEPTH + " levels of objects and arrays", "nest it less deeply");
            }
        }

        private void fail(String what, String rule) {
            StringBuilder pointer = new StringBuilder("/").append(field);
            for (Object part : path) {
                pointer.append('/').append(part.toString().replace("~", "~0").replace("/", "~1"));
            }
            throw Fields.bad("'" + field + "' holds " + what + " at " + escape(pointer.toString()) + "; " + rule);
        }
    }

    /** The index of the first surrogate without its pair in {@code s}, or -1. */
    static int loneSurrogate(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** {@code s} for a message: lone surrogates written as {@code \ud800}, and cut at 200 characters. */
    private static String escape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 200; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
