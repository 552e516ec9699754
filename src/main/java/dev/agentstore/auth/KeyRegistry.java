package dev.agentstore.auth;

import dev.agentstore.config.AuthConfig;
import dev.agentstore.config.ConfigException;
import io.vertx.core.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The API keys, one object shared by every HTTP verticle instance: the keys file as last read, swapped whole
 * (a volatile reference to an immutable snapshot), so that a request sees the old keys or the new ones, never a
 * mix. {@link #reload} re-reads the file when its content changed (a {@link KeysWatcher} calls it every second
 * on a worker thread): an edit in place, an atomic rename over it and a swapped symlink (a Kubernetes secret)
 * all change what reading the path gives.
 *
 * <p>Without a keys file the API is open: every caller has every scope. {@link #start} allows that only on a
 * loopback address, or when {@code auth.allow_anonymous} says so.
 */
public final class KeyRegistry {
    private static final Logger LOG = Logger.getLogger(KeyRegistry.class.getName());
    /** How often the file is read to see whether it changed. */
    public static final long POLL_MS = 1_000;
    /** A larger file is not read (a path to a device or a log by mistake); the keys of one server fit in far less. */
    static final int MAX_FILE_BYTES = 1 << 20;

    static final String HOW_TO_ADD = "create a key with 'java -jar agent-store.jar keys new --name NAME --scopes"
            + " read,write', put the entry line it prints in a file and set auth.keys_file"
            + " (AGENTSTORE_AUTH_KEYS_FILE) to that file";

    private static final ApiKey[] NONE = new ApiKey[0];

    private final Path file;
    private volatile ApiKey[] keys;
    /** The content last parsed, or null while the file cannot be read; only the reloading thread uses it. */
    private byte[] content;

    private KeyRegistry(Path file, ApiKey[] keys, byte[] content) {
        this.file = file;
        this.keys = keys;
        this.content = content;
    }

    /**
     * The keys of {@code auth.keys_file}, read now; or, without one, the open API, if {@code host} allows it.
     * Blocking (it reads the file and resolves the host). Logs one line that says which.
     *
     * @throws ConfigException when the file cannot be read or has a bad line (naming the line and why), or when
     *     there is no file, {@code host} is not a loopback address and {@code auth.allow_anonymous} is false
     */
    public static KeyRegistry start(AuthConfig auth, String host) {
        if (auth.keysFile().isEmpty()) {
            return open(auth, host);
        }
        Path file = auth.keysFile().get();
        FileContent read;
        try {
            read = read(file);
        } catch (IOException e) {
            throw new ConfigException("auth.keys_file " + file + " cannot be read (" + why(e) + "); " + HOW_TO_ADD);
        }
        KeysFile.Parsed parsed = KeysFile.parse(read.text(), Map.of(), System.nanoTime());
        if (!parsed.problems().isEmpty()) {
            throw new ConfigException("auth.keys_file " + file + " has "
                    + (parsed.problems().size() == 1
                            ? "a bad line: "
                            : parsed.problems().size() + " bad lines: ")
                    + parsed.problems().stream().map(KeysFile.Problem::toString).collect(Collectors.joining("; "))
                    + " (a line is " + KeysFile.FORMAT + ")");
        }
        if (auth.allowAnonymous()) {
            LOG.warning("auth.allow_anonymous is ignored: auth.keys_file is set, so every request that needs a"
                    + " scope needs a key");
        }
        if (parsed.keys().isEmpty()) {
            LOG.warning("API keys file " + file + " holds no key: every request that needs one gets 401 until a"
                    + " key is added (the file is re-read when it changes)");
        } else {
            LOG.info("API keys: " + count(parsed.keys().size()) + " from " + file + ", re-read when it changes");
        }
        return new KeyRegistry(file, parsed.keys().toArray(NONE), read.bytes());
    }

    private static KeyRegistry open(AuthConfig auth, String host) {
        if (loopback(host)) {
            LOG.warning("no auth.keys_file: the API is open to every process on this machine (http.host " + host
                    + " is a loopback address); to require keys, " + HOW_TO_ADD);
        } else if (auth.allowAnonymous()) {
            LOG.warning("no auth.keys_file and auth.allow_anonymous is true: the API on " + host + " is open to"
                    + " every caller that can reach it; keep it behind something that authenticates them");
        } else {
            throw new ConfigException("http.host " + host + " is not a loopback address and no auth.keys_file is"
                    + " set: anyone who can reach the port could read and write everything. To require keys, "
                    + HOW_TO_ADD + "; or, behind a proxy that authenticates, set auth.allow_anonymous: true");
        }
        return new KeyRegistry(null, NONE, null);
    }

    /** Whether {@code host} resolves to a loopback address (127.0.0.0/8, ::1), as {@code localhost} does. */
    static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false; // ListenAddress refuses it before this in Main; for an embedder, not open
        }
    }

    /** No keys file: every caller has every scope. */
    public boolean open() {
        return file == null;
    }

    /** The keys file, when there is one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /**
     * The key whose SHA-256 is that of {@code presented}, or null. Compares with every key, each in constant
     * time, and does not stop at a match: how long it takes says nothing about which key, or how much of one,
     * matched.
     */
    public ApiKey find(String presented) {
        byte[] hash = Keys.sha256(presented);
        ApiKey found = null;
        for (ApiKey key : keys) {
            boolean same = MessageDigest.isEqual(key.hash(), hash);
            found = same ? key : found;
        }
        return found;
    }

    /** How many keys are valid now. */
    public int size() {
        return open() ? 0 : keys.length;
    }

    /**
     * Reads the file again, and takes its keys if its content changed. Blocking: on a worker thread only. A bad
     * line is skipped with a warning (the other lines are taken); a file that cannot be read makes no key valid
     * until it can be, with one warning when that starts and one line when it ends.
     */
    public void reload() {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("the keys file is read on a worker thread, never on an event loop");
        }
        if (open()) {
            return;
        }
        FileContent read;
        try {
            read = read(file);
        } catch (IOException e) {
            if (content != null) {
                keys = NONE;
                content = null;
                LOG.warning("API keys file " + file + " cannot be read (" + why(e) + "): no key is valid until it"
                        + " can be read again");
            }
            return;
        }
        if (content != null && Arrays.equals(read.bytes(), content)) {
            return;
        }
        boolean wasUnreadable = content == null;
        Map<String, ApiKey> previous = new HashMap<>();
        for (ApiKey key : keys) {
            previous.put(key.entry(), key);
        }
        KeysFile.Parsed parsed = KeysFile.parse(read.text(), previous, System.nanoTime());
        for (KeysFile.Problem p : parsed.problems()) {
            LOG.warning("API keys file " + file + " " + p + "; the line is skipped, the other lines are used");
        }
        keys = parsed.keys().toArray(NONE);
        content = read.bytes();
        LOG.info("API keys file " + file + (wasUnreadable ? " can be read again: " : " changed: ")
                + count(parsed.keys().size()) + " valid");
    }

    /** The keys file's bytes (compared to see a change) and their text. */
    private record FileContent(byte[] bytes, String text) {}

    /** The file, bounded, as UTF-8 text; an IOException says why it cannot be read. */
    private static FileContent read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new IOException("it is larger than " + MAX_FILE_BYTES + " bytes");
            }
            return new FileContent(bytes, utf8(bytes));
        }
    }

    private static String utf8(byte[] bytes) throws IOException {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IOException("it is not UTF-8 text");
        }
    }

    /** Why a read failed, in a few words: the exception's kind and, for a file system one, the path. */
    private static String why(IOException e) {
        String kind = e.getClass() == IOException.class ? "" : e.getClass().getSimpleName();
        String message = e.getMessage() == null ? "" : e.getMessage();
        return kind.isEmpty() ? message : message.isEmpty() ? kind : kind + ": " + message;
    }

    private static String count(int n) {
        return n == 1 ? "1 key" : n + " keys";
    }
}
