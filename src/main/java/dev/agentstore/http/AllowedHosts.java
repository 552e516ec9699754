package dev.agentstore.http;

import dev.agentstore.config.HostNames;
import dev.agentstore.config.HttpConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names a request's {@code Host} header may give ({@code http.allowed_hosts}): a page that a DNS-rebinding
 * attacker's name now points at this machine sends that name as its Host, and is refused with 421 before
 * anything else of its request is looked at. The port is not compared: a rebinding page can pick any.
 *
 * <p>Always localhost, 127.0.0.1 and [::1]: only a page of this machine's own can send those (a rebinding
 * page sends its own name), and probes and health checks on the machine use them. Then the list; or, with no
 * list, the address the server listens on, and listening on every address (0.0.0.0, ::), every address of this
 * machine's interfaces, as they are when the server starts. Names (a container's service name, a proxy's
 * public name) must be listed.
 */
final class AllowedHosts {
    private static final String KEY = "http.allowed_hosts (AGENTSTORE_HTTP_ALLOWED_HOSTS)";

    private final boolean any;
    private final Set<String> hosts;
    private final String listed;

    private AllowedHosts(boolean any, Set<String> hosts) {
        this.any = any;
        this.hosts = Collections.unmodifiableSet(hosts);
        this.listed = String.join(", ", hosts);
    }

    /** Blocking: resolves {@code http.host} and, for a wildcard, lists this machine's addresses. */
    static AllowedHosts of(HttpConfig http) {
        List<String> configured = http.allowedHosts();
        if (configured.contains("*")) {
            return new AllowedHosts(true, Set.of());
        }
        Set<String> hosts = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "[0:0:0:0:0:0:0:1]"));
        hosts.addAll(configured);
        if (configured.isEmpty()) {
            try {
                InetAddress address = InetAddress.getByName(http.host());
                if (!address.isAnyLocalAddress()) {
                    // As configured (a name, or an address as written) and as the address it is.
                    String bound =
                            HostNames.canonical(http.host().contains(":") ? "[" + http.host() + "]" : http.host());
                    if (bound != null) {
                        hosts.add(bound);
                    }
                    hosts.add(HostNames.canonical(address));
                } else {
                    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                            hosts.add(HostNames.canonical(a));
                        }
                    }
                }
            } catch (UnknownHostException | SocketException e) {
                // ListenAddress has refused a host that does not resolve; without the interfaces, the names above
            }
        }
        return new AllowedHosts(false, hosts);
    }

    /** The first handler of every request after the unread-body guard: 421 or 400 for a Host that is not allowed. */
    void check(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        List<String> given = request.headers().getAll(HttpHeaders.HOST);
        if (given.size() > 1) {
            Problems.send(ctx, 400, "the request has " + given.size() + " Host headers; it must have one");
            return;
        }
        if (given.isEmpty()) {
            if (request.version() == HttpVersion.HTTP_1_0) {
                ctx.next(); // HTTP/1.0 has no Host; no browser sends such a request
            } else {
                Problems.send(ctx, 400, "an HTTP/1.1 request must have a Host header");
            }
            return;
        }
        if (any) {
            ctx.next();
            return;
        }
        String host = HostNames.ofAuthority(given.get(0));
        if (host != null && hosts.contains(host)) {
            ctx.next();
            return;
        }
        Problems.send(
                ctx,
                421,
                "this server does not answer to the Host "
                        + Problems.quoted(given.get(0))
                        + "; it answers to " + listed + ". To add a name, list it in " + KEY);
    }
}
