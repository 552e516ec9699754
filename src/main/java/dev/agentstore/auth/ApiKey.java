package dev.agentstore.auth;

import java.util.EnumSet;
import java.util.Set;

/**
 * One line of the keys file: a key's name, its scopes, the SHA-256 of the key (never the key), and its rate
 * limit with the bucket that enforces it. A reload keeps the same object, bucket included, for a line that did
 * not change.
 */
public final class ApiKey {
    private final String name;
    private final Set<Scope> scopes;
    private final byte[] hash;
    private final RateLimit limit;
    private final TokenBucket bucket;

    /** Requests a second and the burst a key may spend at once; {@link #NONE} for a key without a limit. */
    public record RateLimit(double rps, int burst) {
        static final RateLimit NONE = new RateLimit(0, 0);

        boolean limited() {
            return rps > 0;
        }
    }

    ApiKey(String name, Set<Scope> scopes, byte[] hash, RateLimit limit, long nowNanos) {
        this.name = name;
        this.scopes = Set.copyOf(EnumSet.copyOf(scopes));
        this.hash = hash.clone();
        this.limit = limit;
        this.bucket = limit.limited() ? new TokenBucket(limit.rps(), limit.burst(), nowNanos) : null;
    }

    /** The key's name, as in the keys file: not a secret, but not a client's business either. */
    public String name() {
        return name;
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope);
    }

    public RateLimit limit() {
        return limit;
    }

    /** Takes a request from the key's bucket: 0 when it may go on, else the nanoseconds until it may. */
    public long take() {
        return bucket == null ? 0 : bucket.take(System.nanoTime());
    }

    byte[] hash() {
        return hash;
    }

    Set<Scope> scopes() {
        return scopes;
    }

    /** The line as the keys file would hold it, in one spelling: two lines that mean the same are equal. */
    String entry() {
        return KeysFile.entry(name, scopes, Keys.hex(hash), limit);
    }

    @Override
    public String toString() {
        return "ApiKey[" + name + "]"; // never the hash
    }
}
