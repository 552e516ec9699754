package dev.agentstore.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("The keys file: its lines, what is refused and why, without quoting the line")
class KeysFileTest {
    static final String KEY = "ask_" + "A".repeat(43);
    static final String HASH = HexFormat.of().formatHex(Keys.sha256(KEY));
    static final String OTHER_HASH = HexFormat.of().formatHex(Keys.sha256(KEY + "x"));

    static KeysFile.Parsed parse(String text) {
        return KeysFile.parse(text, Map.of(), 0);
    }

    @Test
    @DisplayName("comments, blank lines, tabs, CRLF, upper-case hex and the rate options are read")
    void goodFile() {
        KeysFile.Parsed p = parse("# keys of the team\r\n\r\n  reader\tread " + HASH.toUpperCase()
                + "  # the CI\r\nbot read,write,admin " + OTHER_HASH + " rps=2.5 burst=10\n");
        assertEquals(List.of(), p.problems());
        assertEquals(
                List.of("reader", "bot"), p.keys().stream().map(ApiKey::name).toList());
        ApiKey reader = p.keys().get(0);
        assertTrue(reader.has(Scope.READ));
        assertFalse(reader.has(Scope.WRITE));
        assertFalse(reader.has(Scope.ADMIN));
        assertEquals(ApiKey.RateLimit.NONE, reader.limit());
        assertEquals(new ApiKey.RateLimit(2.5, 10), p.keys().get(1).limit());
        assertEquals(
                Set.of(Scope.READ, Scope.WRITE, Scope.ADMIN), p.keys().get(1).scopes());
        assertEquals(
                "bot read,write,admin " + OTHER_HASH + " rps=2.5 burst=10",
                p.keys().get(1).entry());
    }

    @Test
    @DisplayName("burst defaults to rps rounded up, and to 1 below one request a second")
    void burstDefault() {
        assertEquals(
                3, parse("a read " + HASH + " rps=2.5").keys().get(0).limit().burst());
        assertEquals(
                1, parse("a read " + HASH + " rps=0.1").keys().get(0).limit().burst());
    }

    static Stream<Arguments> badLines() {
        return Stream.of(
                Arguments.of("reader read", "a line is NAME SCOPES SHA256HEX [rps=N] [burst=M]; this one has 2 fields"),
                Arguments.of(
                        "read:er read " + HASH, "the name (field 1) must be 1 to 64 characters of A-Z a-z 0-9 . _ -"),
                Arguments.of("x".repeat(65) + " read " + HASH, "the name (field 1) must be 1 to 64 characters"),
                Arguments.of(
                        "a Read " + HASH,
                        "the scopes (field 2) must be a comma-separated list of read, write,"
                                + " admin, without spaces"),
                Arguments.of("a read,,write " + HASH, "the scopes (field 2) must be a comma-separated list"),
                Arguments.of("a read,read " + HASH, "the scopes (field 2) name read twice"),
                Arguments.of("a read " + HASH.substring(1), "the hash (field 3) must be 64 hex digits"),
                Arguments.of("a read " + HASH + "0", "the hash (field 3) must be 64 hex digits"),
                Arguments.of("a read " + KEY, "field 3 looks like a key itself"),
                Arguments.of("a read " + HASH + " rps=0", "rps= must be a number of requests a second above 0"),
                Arguments.of("a read " + HASH + " rps=-1", "rps= must be a number"),
                Arguments.of("a read " + HASH + " rps=1e3", "rps= must be a number"),
                Arguments.of("a read " + HASH + " rps=2000000", "rps= must be a number"),
                Arguments.of("a read " + HASH + " burst=5", "burst= needs rps="),
                Arguments.of("a read " + HASH + " rps=1 burst=0", "burst= must be a whole number of requests from 1"),
                Arguments.of("a read " + HASH + " rps=1 burst=1.5", "burst= must be a whole number"),
                Arguments.of("a read " + HASH + " rps=1 rps=2", "field 5 repeats rps= or burst="),
                Arguments.of("a read " + HASH + " limit=5", "field 4 is not rps=N or burst=M"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badLines")
    @DisplayName("a bad line is skipped and named by its number with the reason, which never quotes the line")
    void badLineIsRefused(String line, String why) {
        KeysFile.Parsed p = parse("# first\n" + "good read " + OTHER_HASH + "\n" + line + "\n");
        assertEquals(List.of("good"), p.keys().stream().map(ApiKey::name).toList(), "the good line is kept");
        assertEquals(1, p.problems().size());
        KeysFile.Problem problem = p.problems().get(0);
        assertEquals(3, problem.line());
        assertTrue(problem.why().startsWith(why), problem.why());
        for (String field : line.split(" ")) {
            if (field.length() > 3) {
                assertFalse(problem.toString().contains(field), "the reason quotes '" + field + "': " + problem);
            }
        }
    }

    @Test
    @DisplayName("a name or a hash given twice: the later line is skipped, naming the earlier one")
    void duplicates() {
        KeysFile.Parsed p = parse("a read " + HASH + "\na write " + OTHER_HASH + "\nb write " + HASH + "\n");
        assertEquals(List.of("a"), p.keys().stream().map(ApiKey::name).toList());
        assertEquals(
                List.of(
                        "line 2: the name of line 1 again; each key has a name of its own",
                        "line 3: the hash of line 1 again: one key, listed twice"),
                p.problems().stream().map(KeysFile.Problem::toString).toList());
    }

    @Test
    @DisplayName("a key whose line means the same after a reload is the same object, bucket and all")
    void unchangedLineKeepsItsKey() {
        ApiKey before = parse("a read " + HASH + " rps=1").keys().get(0);
        Map<String, ApiKey> previous = Map.of(before.entry(), before);
        assertSame(
                before,
                KeysFile.parse("a\tread  " + HASH.toUpperCase() + " rps=1.0 # x", previous, 0)
                        .keys()
                        .get(0));
        assertFalse(before
                == KeysFile.parse("a read " + HASH + " rps=2", previous, 0)
                        .keys()
                        .get(0));
    }

    @Test
    @DisplayName("a key is ask_ and 43 base64url characters; its hash is matched, any other key is not")
    void generatedKeys() {
        String key = Keys.generate();
        assertTrue(key.matches("ask_[A-Za-z0-9_-]{43}"), key);
        assertFalse(key.equals(Keys.generate()));
        ApiKey parsed = parse("a read " + HexFormat.of().formatHex(Keys.sha256(key)))
                .keys()
                .get(0);
        assertFalse(parsed.toString().contains(HexFormat.of().formatHex(parsed.hash())), "toString shows no hash");
        ApiKey other = parse("a read " + HASH).keys().get(0);
        assertFalse(java.security.MessageDigest.isEqual(other.hash(), Keys.sha256(key)));
    }

    @Test
    @DisplayName("the token bucket: a burst at once, then one request per interval; a refusal takes nothing and"
            + " says how long to wait")
    void tokenBucket() {
        long s = 1_000_000_000L;
        TokenBucket bucket = new TokenBucket(2, 3, 0); // 2 a second, 3 at once
        assertEquals(0, bucket.take(0));
        assertEquals(0, bucket.take(0));
        assertEquals(0, bucket.take(0));
        assertEquals(s / 2, bucket.take(0), "the fourth waits for one token: half a second");
        assertEquals(s / 4, bucket.take(s / 4), "a refusal took nothing");
        assertEquals(0, bucket.take(s / 2));
        assertEquals(s / 2, bucket.take(s / 2));
        assertEquals(0, bucket.take(10 * s), "refilled, up to the burst");
        assertEquals(0, bucket.take(10 * s));
        assertEquals(0, bucket.take(10 * s));
        assertEquals(s / 2, bucket.take(10 * s), "never more than the burst");
    }

    @Test
    @DisplayName("the token bucket holds under contention: 8 threads, 10,000 tries, exactly the burst is granted")
    void tokenBucketUnderContention() throws InterruptedException {
        TokenBucket bucket = new TokenBucket(0.001, 1000, System.nanoTime()); // refills nothing during the test
        java.util.concurrent.atomic.AtomicInteger granted = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1250; i++) {
                    if (bucket.take(System.nanoTime()) == 0) {
                        granted.incrementAndGet();
                    }
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1000, granted.get());
    }
}
