package dev.agentstore.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * JSON text as clients write it, in every form that denotes the same value: escaped or raw characters
 * (astral ones as escaped surrogate pairs), {@code \/}, numbers as {@code 1.0E-5}, {@code 1.0e-5},
 * {@code 1.0000E-5}, {@code 1.0E-005}, {@code 1E+21} or their exact decimal expansion, whitespace between
 * tokens. Or, with a {@link Defect}, the same text with one defect at one place drawn at random.
 */
public final class RawJson {
    /** What a strict decoder refuses, and the words of its 400 that say which check caught it. */
    public enum Defect {
        LONE_SURROGATE("unpaired surrogate"),
        INVALID_UTF8("it is not UTF-8"),
        DUPLICATE_KEY("repeats the key"),
        NUMBER_OUT_OF_RANGE("the number");

        public final String detail;

        Defect(String detail) {
            this.detail = detail;
        }
    }

    /** Byte sequences (hex) that are not UTF-8: overlong forms, encoded surrogates, past U+10FFFF, cut short. */
    public static final List<String> INVALID_UTF8 = List.of(
            "80",
            "BF",
            "C0AF",
            "C180",
            "E080AF",
            "F08080AF",
            "EDA080",
            "EDBFBF",
            "F4908080",
            "F5808080",
            "FF",
            "FE",
            "C2",
            "E282",
            "F09F98",
            "C220",
            "E2822E");

    private final Generated g;
    private final Defect defect;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int countdown;

    private RawJson(Generated g, Defect defect, int places) {
        this.g = g;
        this.defect = defect;
        this.countdown = places == 0 ? -1 : g.between(0, places - 1);
    }

    /** {@code value} as JSON text in forms drawn from {@code g}. */
    public static byte[] write(Generated g, Object value) {
        RawJson w = new RawJson(g, null, 0);
        w.value(value, false);
        return w.out.toByteArray();
    }

    /** {@code value} as JSON text with {@code defect} at one place; {@code value} must hold such a place. */
    public static byte[] withDefect(Generated g, Object value, Defect defect) {
        RawJson w = new RawJson(g, defect, places(value, defect));
        w.value(value, false);
        if (w.countdown >= 0) {
            throw new IllegalArgumentException("no place for " + defect + " in " + value);
        }
        return w.out.toByteArray();
    }

    /** How many places of {@code v} can take {@code defect}: strings and keys, nested values, objects. */
    private static int places(Object v, Defect defect) {
        int own = switch (defect) {
            case LONE_SURROGATE, INVALID_UTF8 -> v instanceof String ? 1 : 0;
            case DUPLICATE_KEY -> v instanceof JsonObject o && !o.isEmpty() ? 1 : 0;
            case NUMBER_OUT_OF_RANGE -> 0;
        };
        if (v instanceof JsonObject o) {
            for (Map.Entry<String, Object> e : o) {
                own += places(e.getKey(), defect)
                        + places(e.getValue(), defect)
                        + (defect == Defect.NUMBER_OUT_OF_RANGE ? 1 : 0);
            }
        } else if (v instanceof JsonArray a) {
            for (Object item : a) {
                own += places(item, defect) + (defect == Defect.NUMBER_OUT_OF_RANGE ? 1 : 0);
            }
        }
        return own;
    }

    /** True when this place is the one drawn for the defect. */
    private boolean here(Defect kind) {
        return defect == kind && countdown-- == 0;
    }

    private void value(Object v, boolean nested) {
        space();
        if (nested && here(Defect.NUMBER_OUT_OF_RANGE)) {
            ascii(outOfRange());
        } else if (v == null) {
            ascii("null");
        } else if (v instanceof Boolean b) {
            ascii(b.toString());
        } else if (v instanceof Double d) {
            ascii(literal(d));
        } else if (v instanceof Number n) {
            ascii(n.longValue() == 0 && g.chance(0.3) ? "-0" : n.toString());
        } else if (v instanceof String s) {
            string(s);
        } else if (v instanceof JsonObject o) {
            object(o);
        } else if (v instanceof JsonArray a) {
            array(a.getList());
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass());
        }
        space();
    }

    private void object(JsonObject o) {
        boolean duplicate = !o.isEmpty() && here(Defect.DUPLICATE_KEY);
        ascii("{");
        String first = null;
        for (Map.Entry<String, Object> e : o) {
            if (first != null) {
                ascii(",");
            } else {
                first = e.getKey();
            }
            member(e.getKey(), e.getValue());
        }
        if (duplicate) { // the same key again, maybe escaped otherwise: it decodes to the same string
            ascii(",");
            member(first, g.value(1));
        }
        ascii("}");
    }

    private void member(String key, Object value) {
        space();
        string(key);
        space();
        ascii(":");
        value(value, true);
    }

    private void array(List<?> items) {
        ascii("[");
        for (int i = 0; i < items.size(); i++) {
            ascii(i == 0 ? "" : ",");
            value(items.get(i), true);
        }
        ascii("]");
    }

    private void string(String s) {
        int[] cps = s.codePoints().toArray();
        int bad = here(Defect.LONE_SURROGATE) || here(Defect.INVALID_UTF8) ? g.between(0, cps.length) : -1;
        ascii("\"");
        for (int k = 0; k <= cps.length; k++) {
            if (k == bad && defect == Defect.LONE_SURROGATE) {
                loneSurrogate();
            } else if (k == bad) {
                out.writeBytes(HexFormat.of().parseHex(g.oneOf(INVALID_UTF8)));
            }
            if (k < cps.length) {
                character(cps[k]);
            }
        }
        ascii("\"");
    }

    /** An escape the decoder must refuse: a high surrogate alone, a low one alone, or a pair reversed. */
    private void loneSurrogate() {
        int high = g.between(0xD800, 0xDBFF);
        int low = g.between(0xDC00, 0xDFFF);
        switch (g.between(0, 2)) {
            case 0 -> ascii(escape(high) + g.oneOf("", "x", " ", "\\n"));
            case 1 -> ascii(escape(low));
            default -> ascii(escape(low) + escape(high));
        }
    }

    private void character(int cp) {
        if (cp == '"' || cp == '\\') {
            ascii(g.chance(0.8) ? "\\" + (char) cp : escape(cp));
        } else if (cp < 0x20) {
            String shorthand = switch (cp) {
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                default -> null;
            };
            ascii(shorthand != null && g.chance(0.7) ? shorthand : escape(cp));
        } else if (g.chance(0.8)) {
            out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
        } else if (cp == '/') {
            ascii("\\/");
        } else if (Character.isSupplementaryCodePoint(cp)) {
            ascii(escape(Character.highSurrogate(cp)) + escape(Character.lowSurrogate(cp)));
        } else {
            ascii(escape(cp));
        }
    }

    private String escape(int unit) {
        String hex = String.format("%04x", unit);
        return "\\u" + (g.chance(0.5) ? hex : hex.toUpperCase());
    }

    /** A literal that reads as {@code d}. */
    private String literal(double d) {
        String s = Double.toString(d);
        return switch (g.between(0, 5)) {
            case 0 -> s.replace('E', 'e');
            case 1 -> s.contains("E-") ? s : s.replace("E", "E+");
            case 2 -> d == 0 ? s : exact(d);
            case 3 -> s.contains("E") ? s.replace("E", "000E") : s + "000";
            case 4 -> s.contains("E-") ? s.replace("E-", "E-00") : s.contains("E") ? s.replace("E", "e0") : s + "e0";
            default -> s;
        };
    }

    /** The exact decimal value of {@code d}, which may run to 767 significant digits. */
    private static String exact(double d) {
        String e = new BigDecimal(d).toString();
        return e.contains(".") || e.contains("E") ? e : e + ".0";
    }

    /** A number beyond a double: past about 1.8e308, or so small that it would be stored as 0. */
    private String outOfRange() {
        String mantissa = g.between(1, 9) + (g.chance(0.5) ? "." + g.between(0, 999_999) : "");
        String exponent =
                g.chance(0.5) ? "e" + g.oneOf("", "+") + g.between(309, 99_999) : "E-" + g.between(330, 99_999);
        return (g.chance(0.3) ? "-" : "") + mantissa + exponent;
    }

    private void space() {
        if (g.chance(0.1)) {
            ascii(g.oneOf(" ", "\n", "\t", "\r\n", "  "));
        }
    }

    private void ascii(String s) {
        out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
    }
}
