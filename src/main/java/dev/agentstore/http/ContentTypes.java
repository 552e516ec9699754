package dev.agentstore.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * In the chain of every POST, PUT and PATCH route, after the {@link Gate} and before the {@link BodyReader}
 * ({@link Api}): a body is read only when its {@code Content-Type} is {@code application/json} or a
 * {@code +json} type, with no charset or {@code charset=utf-8}. Anything else, a body without a
 * {@code Content-Type} included, is a 415 naming the type expected, before a byte of the body is read.
 *
 * <p>This is what keeps a web page out: a page of any origin may send a "simple" request (a form, or
 * {@code text/plain}) without a CORS preflight, and the browser sends it with the user's network position.
 * A JSON body needs a preflight, which this server answers for listed origins only. It also replaces the bare
 * "malformed request" that vertx-web's form decoding gave a form-encoded body over 1,024 bytes.
 */
final class ContentTypes {
    static final String JSON = "application/json";

    private ContentTypes() {}

    static void check(RoutingContext ctx) {
        check(ctx, JSON);
    }

    /**
     * As {@link #check(RoutingContext)}, for a PATCH whose 415 names the patch types it takes in {@code
     * Accept-Patch}: a workflow's names {@code application/merge-patch+json} first (it takes
     * {@code application/json} too, read as the same merge patch).
     */
    static void check(RoutingContext ctx, String acceptPatch) {
        HttpServerRequest request = ctx.request();
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        boolean taken =
                type == null ? !hasBody(request) : json(type) && (acceptPatch.equals(JSON) || named(type, acceptPatch));
        if (taken) {
            ctx.next();
            return;
        }
        // RFC 7694 (Accept-Post is the same idea for POST, Accept-Patch RFC 5789): what this route takes
        if (request.method() == HttpMethod.PATCH) {
            ctx.response().putHeader("Accept-Patch", acceptPatch);
        } else if (request.method() == HttpMethod.POST) {
            ctx.response().putHeader("Accept-Post", JSON);
        }
        String given = type == null ? "a body without a Content-Type" : "Content-Type '" + shown(type) + "'";
        Problems.send(
                ctx,
                415,
                request.method() + " " + ctx.currentRoute().getPath() + " takes a JSON body, Content-Type: " + JSON
                        + " (charset utf-8, the default), not " + given);
    }

    /** Whether {@code type}'s media type (no parameters) is one of the comma-separated {@code types}. */
    private static boolean named(String type, String types) {
        String media = media(type);
        for (String t : types.split(",")) {
            if (t.trim().equals(media)) {
                return true;
            }
        }
        return false;
    }

    /** The media type of a Content-Type, without its parameters, in lower case (RFC 9110: case-insensitive). */
    private static String media(String type) {
        int semi = type.indexOf(';');
        return (semi < 0 ? type : type.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
    }

    private static boolean hasBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null || (length != null && !length.equals("0"));
    }

    /**
     * Whether {@code value} is {@code application/json} or {@code application/<x>+json} (in any case, RFC 9110),
     * with no parameter but {@code charset=utf-8} (quoted or not, in any case).
     */
    static boolean json(String value) {
        int semi = value.indexOf(';');
        String media = media(value);
        boolean json = media.equals(JSON)
                || (media.startsWith("application/")
                        && media.endsWith("+json")
                        && media.length() > "application/+json".length()
                        && media.indexOf('/', "application/".length()) < 0);
        if (!json || semi < 0) {
            return json;
        }
        for (String param : value.substring(semi + 1).split(";", -1)) {
            String p = param.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq < 0 || !p.substring(0, eq).trim().equalsIgnoreCase("charset")) {
                return false;
            }
            String charset = p.substring(eq + 1).trim();
            if (charset.length() >= 2 && charset.startsWith("\"") && charset.endsWith("\"")) {
                charset = charset.substring(1, charset.length() - 1);
            }
            if (!charset.equalsIgnoreCase("utf-8")) {
                return false;
            }
        }
        return true;
    }

    /** The type as given, printable and bounded, for the detail. */
    private static String shown(String type) {
        String printable = type.replaceAll("[^\\x20-\\x7e]", "?");
        return printable.length() > 100 ? printable.substring(0, 100) + "..." : printable;
    }
}
