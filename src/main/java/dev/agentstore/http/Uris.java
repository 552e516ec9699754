package dev.agentstore.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The first handler of the router: a request whose path or query string Vert.x could not decode exactly is
 * a 400 naming the part and the character, before anything is decoded or buffered. Vert.x refuses a
 * malformed %-escape with a bare 400 deep in routing (the path) or in {@code queryParams()}, and decodes
 * bytes that are not UTF-8 (an overlong {@code %C0%AF}, an encoded surrogate, a raw non-ASCII byte) to
 * U+FFFD or to Latin-1 characters: two different ids would read as one, and an agent created from its path
 * would be stored under a name the client never sent. So every %-escape must be followed by two hex digits,
 * the bytes they decode to must be UTF-8 (RFC 3629: shortest form, no surrogates), and a control character
 * or a non-ASCII byte must be %-escaped (RFC 3986).
 */
final class Uris {
    private static final String PATH = "the path";
    private static final String QUERY = "the query string";

    private Uris() {}

    static void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String problem = request.path() == null ? null : malformed(PATH, request.path());
        if (problem == null && request.query() != null) {
            problem = malformed(QUERY, request.query());
        }
        if (problem != null) {
            Problems.send(ctx, 400, problem);
        } else {
            ctx.next();
        }
    }

    /** What is wrong with {@code part} (raw, as the client sent it), or null if it decodes exactly. */
    static String malformed(String what, String part) {
        for (int i = 0; i < part.length(); ) {
            char c = part.charAt(i);
            if (c == '%') {
                int end = utf8(part, i);
                if (end < 0) {
                    int at = -end - 1;
                    return where(what, part, at) + " has a malformed %-escape at character " + at + ": "
                            + excerpt(part, at) + " (% and two hex digits; a literal % is %25)";
                }
                if (end == 0) {
                    return where(what, part, i) + " has %-escapes that are not UTF-8 at character " + i + ": "
                            + excerpt(part, i);
                }
                i = end;
            } else if (c < 0x20 || c >= 0x7f) {
                return where(what, part, i) + " has a character that must be %-escaped at character " + i
                        + String.format(": byte 0x%02X", (int) c);
            } else {
                i++;
            }
        }
        return null;
    }

    /**
     * Reads one UTF-8 character written as %-escapes from {@code start}: the index after it; {@code -(i + 1)}
     * when the escape at {@code i} is not % and two hex digits; 0 when the bytes are not shortest-form UTF-8.
     */
    private static int utf8(String s, int start) {
        int first = octet(s, start);
        if (first < 0) {
            return -(start + 1);
        }
        int more;
        int min;
        int cp;
        if (first < 0x80) {
            return start + 3;
        } else if (first >= 0xc2 && first <= 0xdf) {
            more = 1;
            min = 0x80;
            cp = first & 0x1f;
        } else if (first >= 0xe0 && first <= 0xef) {
            more = 2;
            min = 0x800;
            cp = first & 0x0f;
        } else if (first >= 0xf0 && first <= 0xf4) {
            more = 3;
            min = 0x10000;
            cp = first & 0x07;
        } else {
            return 0; // a continuation byte first, an overlong lead (C0, C1) or past U+10FFFF (F5..FF)
        }
        int i = start + 3;
        for (int k = 0; k < more; k++, i += 3) {
            if (i >= s.length() || s.charAt(i) != '%') {
                return 0;
            }
            int next = octet(s, i);
            if (next < 0) {
                return -(i + 1);
            }
            if ((next & 0xc0) != 0x80) {
                return 0;
            }
            cp = (cp << 6) | (next & 0x3f);
        }
        boolean surrogate = cp >= 0xd800 && cp <= 0xdfff;
        return cp < min || cp > 0x10ffff || surrogate ? 0 : i;
    }

    /** The byte of the escape {@code %XY} at {@code i}, or -1. */
    private static int octet(String s, int i) {
        if (i + 2 >= s.length()) {
            return -1;
        }
        int hi = hex(s.charAt(i + 1));
        int lo = hex(s.charAt(i + 2));
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    /** An ASCII hex digit's value (Character.digit takes fullwidth and other digits too), or -1. */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char lower = (char) (c | 0x20);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    /** In the query string, the parameter whose value holds character {@code i}, when its name is plain. */
    private static String where(String what, String part, int i) {
        if (!what.equals(QUERY)) {
            return what;
        }
        int start = part.lastIndexOf('&', i) + 1;
        int eq = part.indexOf('=', start);
        if (eq < 0 || eq > i || eq == start) {
            return what;
        }
        String name = part.substring(start, eq);
        return name.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '%' && c != '+' && c != '\'')
                ? what + " (parameter '" + name + "')"
                : what;
    }

    /** Up to 12 characters from {@code i}, quoted, so the client sees what was refused. */
    private static String excerpt(String s, int i) {
        String shown = s.substring(i, Math.min(s.length(), i + 12));
        return "'" + shown.replaceAll("[^\\x21-\\x7e]", "?") + "'";
    }
}
