package dev.agentstore.auth;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The keys file: one key a line, {@code NAME SCOPES SHA256HEX [rps=N] [burst=M]}, fields separated by spaces or
 * tabs; a {@code #} starts a comment (no field can hold one), blank lines are allowed. NAME is 1 to 64 of
 * {@code A-Z a-z 0-9 . _ -} and unique; SCOPES is a comma-separated list of {@code read}, {@code write},
 * {@code admin}; SHA256HEX is the SHA-256 of the key's UTF-8 bytes in 64 hex digits, unique; {@code rps} is a
 * positive number of requests a second (at most 1,000,000; none: no limit) and {@code burst} the requests the
 * key may make at once (a whole number, default rps rounded up).
 *
 * <p>The reason given for a bad line never quotes the line: a key pasted in the wrong field would be in it.
 */
final class KeysFile {
    static final String FORMAT = "NAME SCOPES SHA256HEX [rps=N] [burst=M]";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,9})?");
    private static final Pattern WHOLE = Pattern.compile("[0-9]{1,9}");
    private static final Pattern BLANKS = Pattern.compile("[ \\t]+");
    static final double MAX_RPS = 1_000_000;

    private KeysFile() {}

    /** A line that was skipped, and why, without its text. */
    record Problem(int line, String why) {
        @Override
        public String toString() {
            return "line " + line + ": " + why;
        }
    }

    /** The keys of the good lines, in file order, and the bad lines. */
    record Parsed(List<ApiKey> keys, List<Problem> problems) {}

    /** A line that is not a valid entry; the message says why without quoting it. */
    static final class BadLine extends IllegalArgumentException {
        BadLine(String why) {
            super(why, null);
        }
    }

    /**
     * Parses the file's text. A key whose line means what a line of {@code previous} meant is that object again
     * (its bucket too), so that a reload does not refill the bucket of a key that did not change.
     */
    static Parsed parse(String text, Map<String, ApiKey> previous, long nowNanos) {
        List<ApiKey> keys = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Integer> names = new HashMap<>();
        Map<String, Integer> hashes = new HashMap<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = withoutComment(lines[i]).strip();
            if (line.isEmpty()) {
                continue;
            }
            ApiKey key;
            try {
                key = line(line, nowNanos);
            } catch (BadLine e) {
                problems.add(new Problem(number, e.getMessage()));
                continue;
            }
            Integer sameName = names.putIfAbsent(key.name(), number);
            if (sameName != null) {
                problems.add(
                        new Problem(number, "the name of line " + sameName + " again; each key has a name of its own"));
                continue;
            }
            Integer sameHash = hashes.putIfAbsent(Keys.hex(key.hash()), number);
            if (sameHash != null) {
                names.remove(key.name());
                problems.add(new Problem(number, "the hash of line " + sameHash + " again: one key, listed twice"));
                continue;
            }
            ApiKey before = previous.get(key.entry());
            keys.add(before != null ? before : key);
        }
        return new Parsed(List.copyOf(keys), List.copyOf(problems));
    }

    private static String withoutComment(String line) {
        int hash = line.indexOf('#');
        return hash < 0 ? line : line.substring(0, hash);
    }

    /** One entry, comment and surrounding blanks removed. */
    static ApiKey line(String line, long nowNanos) {
        String[] fields = BLANKS.split(line);
        if (fields.length < 3) {
            throw new BadLine("a line is " + FORMAT + "; this one has " + fields.length
                    + (fields.length == 1 ? " field" : " fields"));
        }
        String name = name(fields[0]);
        Set<Scope> scopes = scopes(fields[1]);
        byte[] hash = hash(fields[2]);
        String rps = null;
        String burst = null;
        for (int i = 3; i < fields.length; i++) {
            String f = fields[i];
            if (f.startsWith("rps=") && rps == null) {
                rps = f.substring(4);
            } else if (f.startsWith("burst=") && burst == null) {
                burst = f.substring(6);
            } else if (f.startsWith("rps=") || f.startsWith("burst=")) {
                throw new BadLine("field " + (i + 1) + " repeats rps= or burst=");
            } else {
                throw new BadLine("field " + (i + 1) + " is not rps=N or burst=M; a line is " + FORMAT);
            }
        }
        return new ApiKey(name, scopes, hash, limit(rps, burst), nowNanos);
    }

    static String name(String text) {
        if (!NAME.matcher(text).matches()) {
            throw new BadLine("the name (field 1) must be 1 to 64 characters of A-Z a-z 0-9 . _ -");
        }
        return text;
    }

    static Set<Scope> scopes(String text) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String s : text.split(",", -1)) {
            Scope scope = Scope.of(s)
                    .orElseThrow(() -> new BadLine("the scopes (field 2) must be a comma-separated list of "
                            + allScopes() + ", without spaces"));
            if (!scopes.add(scope)) {
                throw new BadLine("the scopes (field 2) name " + scope.label() + " twice");
            }
        }
        return scopes;
    }

    private static byte[] hash(String text) {
        if (text.startsWith(Keys.PREFIX)) {
            throw new BadLine("field 3 looks like a key itself; the file holds its SHA-256 in 64 hex digits (the"
                    + " entry line that 'keys new' prints), never the key: make a new key, this one is exposed");
        }
        if (!HEX.matcher(text).matches()) {
            throw new BadLine("the hash (field 3) must be 64 hex digits, the SHA-256 of the key (the entry line"
                    + " that 'keys new' prints)");
        }
        return HexFormat.of().parseHex(text);
    }

    /** rps and burst as written (null when absent): the key's limit, or a reason they are refused. */
    static ApiKey.RateLimit limit(String rps, String burst) {
        if (rps == null) {
            if (burst != null) {
                throw new BadLine("burst= needs rps=: a burst is spent at the rate that refills it");
            }
            return ApiKey.RateLimit.NONE;
        }
        double perSecond = NUMBER.matcher(rps).matches() ? Double.parseDouble(rps) : -1;
        if (perSecond <= 0 || perSecond > MAX_RPS) {
            throw new BadLine(
                    "rps= must be a number of requests a second above 0 and at most 1000000, such as 5" + " or 0.5");
        }
        int n = burst == null ? (int) Math.max(1, Math.ceil(perSecond)) : wholeBurst(burst);
        return new ApiKey.RateLimit(perSecond, n);
    }

    private static int wholeBurst(String text) {
        int n = WHOLE.matcher(text).matches() ? Integer.parseInt(text) : 0;
        if (n < 1 || n > MAX_RPS) {
            throw new BadLine("burst= must be a whole number of requests from 1 to 1000000");
        }
        return n;
    }

    /** The line for a key: what {@code keys new} prints, and the one spelling of an entry. */
    static String entry(String name, Set<Scope> scopes, String hashHex, ApiKey.RateLimit limit) {
        String line = name + " " + scopes.stream().sorted().map(Scope::label).collect(Collectors.joining(",")) + " "
                + hashHex;
        if (limit.limited()) {
            line += " rps="
                    + BigDecimal.valueOf(limit.rps()).stripTrailingZeros().toPlainString() + " burst=" + limit.burst();
        }
        return line;
    }

    static String allScopes() {
        return Arrays.stream(Scope.values()).map(Scope::label).collect(Collectors.joining(", "));
    }
}
