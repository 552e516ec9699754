package dev.agentstore.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** How a key looks and how it is hashed: {@code ask_} and 32 random bytes, stored as their SHA-256 only. */
public final class Keys {
    /**
     * Every key starts with it, so that a secret scanner (GitHub's, gitleaks, trufflehog) can be taught to find
     * a leaked one: {@code ask_[A-Za-z0-9_-]{43}}.
     */
    public static final String PREFIX = "ask_";

    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Keys::sha256Digest);

    private Keys() {}

    /** A new key: the prefix and 32 bytes from SecureRandom, base64url without padding (47 characters). */
    public static String generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The SHA-256 of the key's UTF-8 bytes: what the keys file holds. */
    public static byte[] sha256(String key) {
        MessageDigest digest = SHA256.get();
        digest.reset();
        return digest.digest(key.getBytes(StandardCharsets.UTF_8));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
