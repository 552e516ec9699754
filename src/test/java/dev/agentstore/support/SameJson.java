package dev.agentstore.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The equality that docs/api.md promises between what was sent, what was acknowledged and what is read
 * back: the same JSON value, strictly. Strings are equal char for char; a whole number equals the same
 * whole number whatever its Java type (Integer, Long, BigInteger); a number with a fraction or exponent
 * is the same double, bit for bit (so -0.0 is not 0.0); objects have the same keys in the same order, and
 * equal values; arrays the same items in the same order. Vert.x's own equals is looser (it takes 1 for
 * 1.0 and ignores key order).
 */
public final class SameJson {
    private SameJson() {}

    /** Fails with the JSON pointer of the first difference, under {@code where}. */
    public static void assertSame(String where, Object expected, Object actual) {
        String difference = difference("", expected, actual);
        if (difference != null) {
            throw new AssertionError(
                    where + ": " + show(difference) + "\n expected " + show(expected) + "\n      got " + show(actual));
        }
    }

    private static String difference(String at, Object expected, Object actual) {
        Object e = unwrap(expected);
        Object a = unwrap(actual);
        if (e == null || a == null) {
            return e == a ? null : at + ": " + show(e) + " vs " + show(a);
        }
        if (isWhole(e) && isWhole(a)) {
            return whole(e).equals(whole(a)) ? null : at + ": " + e + " vs " + a;
        }
        if (e instanceof Double de && a instanceof Double da) {
            return Double.doubleToRawLongBits(de) == Double.doubleToRawLongBits(da)
                    ? null
                    : at + ": " + de + " vs " + da;
        }
        if (e instanceof JsonObject eo && a instanceof JsonObject ao) {
            List<String> ek = new ArrayList<>(eo.fieldNames());
            List<String> ak = new ArrayList<>(ao.fieldNames());
            if (!ek.equals(ak)) {
                return at + ": keys " + show(ek) + " vs " + show(ak);
            }
            for (String k : ek) {
                String d =
                        difference(at + "/" + k.replace("~", "~0").replace("/", "~1"), eo.getValue(k), ao.getValue(k));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (e instanceof JsonArray ea && a instanceof JsonArray aa) {
            if (ea.size() != aa.size()) {
                return at + ": " + ea.size() + " items vs " + aa.size();
            }
            for (int i = 0; i < ea.size(); i++) {
                String d = difference(at + "/" + i, ea.getValue(i), aa.getValue(i));
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
        if (e.getClass() != a.getClass() || !e.equals(a)) {
            return at + ": " + show(e) + " (" + e.getClass().getSimpleName() + ") vs " + show(a) + " ("
                    + a.getClass().getSimpleName() + ")";
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Object unwrap(Object v) {
        if (v instanceof Map<?, ?> m) {
            return new JsonObject((Map<String, Object>) m);
        } else if (v instanceof List<?> l) {
            return new JsonArray((List<Object>) l);
        }
        return v;
    }

    private static boolean isWhole(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof BigInteger;
    }

    private static BigInteger whole(Object v) {
        return v instanceof BigInteger b ? b : BigInteger.valueOf(((Number) v).longValue());
    }

    /** A value for a failure message, every char outside printable ASCII written as {@code \\uXXXX}. */
    public static String show(Object v) {
        String s = String.valueOf(v instanceof JsonObject || v instanceof JsonArray ? v.toString() : v);
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7F ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.length() > 2000 ? out.substring(0, 2000) + "..." : out.toString();
    }
}
