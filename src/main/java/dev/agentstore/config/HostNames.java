package dev.agentstore.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one spelling of a host name, of an address and of a web origin, so that what {@code http.allowed_hosts}
 * and {@code http.cors.allowed_origins} list and what a request's {@code Host} or {@code Origin} header says
 * compare as equal exactly when they name the same thing: names in lower case without a final dot, IPv4 in
 * dotted decimal, IPv6 as the JDK writes it ({@code [0:0:0:0:0:0:0:1]} for {@code [::1]} and
 * {@code [0::1]}).
 */
public final class HostNames {
    /** A DNS name: labels of letters, digits, hyphens and underscores (which some container networks use). */
    private static final Pattern NAME =
            Pattern.compile("(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?");

    private static final Pattern IPV4 = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}"
            + "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-f:.]{2,45}");

    private HostNames() {}

    /**
     * The canonical form of a host as a {@code Host} header or an origin gives it, without its port: a name, an
     * IPv4 address, or an IPv6 address in brackets; null when it is none of these.
     */
    public static String canonical(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            String inner = h.substring(1, h.length() - 1);
            if (!IPV6.matcher(inner).matches() || !inner.contains(":")) {
                return null;
            }
            try {
                // A literal is parsed, never looked up.
                InetAddress address = InetAddress.getByName(inner);
                return address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : null;
            } catch (UnknownHostException e) {
                return null;
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if (IPV4.matcher(h).matches()) {
            return h;
        }
        if (h.length() > 253 || !NAME.matcher(h).matches() || h.chars().allMatch(c -> c == '.' || isDigit(c))) {
            return null; // all digits and dots, yet not an IPv4 address: no such name
        }
        return h;
    }

    /** The canonical form of an address of this machine, as a Host header would give it. */
    public static String canonical(InetAddress address) {
        if (address instanceof Inet6Address) {
            String text = address.getHostAddress();
            int zone = text.indexOf('%');
            return "[" + (zone < 0 ? text : text.substring(0, zone)) + "]";
        }
        return address.getHostAddress();
    }

    /**
     * The host part of a {@code Host} header ({@code name}, {@code name:port}, {@code [v6]:port}), canonical;
     * null when it is not one.
     */
    public static String ofAuthority(String authority) {
        String host = authority;
        if (authority.startsWith("[")) {
            int end = authority.indexOf(']');
            if (end < 0 || !port(authority.substring(end + 1))) {
                return null;
            }
            host = authority.substring(0, end + 1);
        } else {
            int colon = authority.indexOf(':');
            if (colon >= 0) {
                if (!port(authority.substring(colon))) {
                    return null;
                }
                host = authority.substring(0, colon);
            }
        }
        return canonical(host);
    }

    /** Nothing, or {@code :} and a port of one to five digits. */
    private static boolean port(String rest) {
        if (rest.isEmpty()) {
            return true;
        }
        if (rest.charAt(0) != ':' || rest.length() < 2 || rest.length() > 6) {
            return false;
        }
        return rest.chars().skip(1).allMatch(HostNames::isDigit);
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /**
     * An item of {@code http.allowed_hosts}, canonical: {@code *}, or a host without a port. Throws
     * IllegalArgumentException saying what is wrong with it.
     */
    static String allowedHost(String item) {
        if (item.equals("*")) {
            return item;
        }
        String host = canonical(item);
        if (host != null) {
            return host;
        }
        if (ofAuthority(item) != null) {
            throw new IllegalArgumentException(
                    "'" + item + "' has a port: give the host alone, the port is not compared");
        }
        throw new IllegalArgumentException("'" + item + "' is not a host name, an IPv4 address or an IPv6 address in"
                + " brackets ([::1]); `*` allows any");
    }

    /**
     * An item of {@code http.cors.allowed_origins}, canonical: {@code scheme://host[:port]} with scheme http or
     * https, as a browser's {@code Origin} header gives it. Never {@code *}: a listed origin is one the operator
     * trusts with the API.
     */
    static String allowedOrigin(String item) {
        if (item.equals("*") || item.equals("null")) {
            throw new IllegalArgumentException("'" + item + "' is not allowed: list each origin"
                    + " (https://app.example:8443) whose pages may call the API");
        }
        String origin = origin(item);
        if (origin == null) {
            throw new IllegalArgumentException("'" + item + "' is not a web origin: scheme://host or"
                    + " scheme://host:port, with scheme http or https, and no path (https://app.example:8443)");
        }
        return origin;
    }

    /** An {@code Origin} header's value, canonical ({@code scheme://host[:port]}, default port left out); or null. */
    public static String origin(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!("http".equals(scheme) || "https".equals(scheme))
                || uri.getRawAuthority() == null
                || uri.getRawUserInfo() != null
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null) {
            return null;
        }
        String host = ofAuthority(uri.getRawAuthority());
        if (host == null) {
            return null;
        }
        int port = uri.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }
}
