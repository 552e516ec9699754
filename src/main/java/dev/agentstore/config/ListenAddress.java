package dev.agentstore.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;

/**
 * Whether {@code http.host} can be listened on here. Checked by the server's start, not by the parser: the
 * migrate command reads the same file and may run on another machine than the server.
 */
public final class ListenAddress {
    private ListenAddress() {}

    /** Refuses a host that does not resolve, or that resolves to an address of another machine. */
    public static void check(HttpConfig http) {
        String host = http.host();
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException("http.host '" + host + "' does not resolve to an address");
        }
        if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
            return;
        }
        try {
            if (NetworkInterface.getByInetAddress(address) != null) {
                return;
            }
        } catch (SocketException e) {
            return; // the interfaces cannot be listed: let the bind itself say whether it works
        }
        throw new ConfigException("http.host '" + host + "' (" + address.getHostAddress()
                + ") is not an address of this machine; use 127.0.0.1, 0.0.0.0 or an address of one of its"
                + " interfaces");
    }
}
