package dev.agentstore.support;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Seeded generation for property tests, without a property-testing library: {@link #forAll} runs a check
 * on many generated cases, each from a seed of its own that a failure prints, so that the one case can be
 * replayed alone. {@code -Dagentstore.test.tries=N} runs N tries per property instead of the test's
 * default (the long run); {@code -Dagentstore.test.seed=S} starts from seed S instead of a random one.
 *
 * <p>Values are JSON as the store's callers hold it: JsonObject (keys unique, in order), JsonArray, String,
 * Integer, Long, BigInteger, finite Double, Boolean and null. Text mixes ASCII, control characters, JSON's
 * own specials, two- and three-byte characters (U+2028, U+FEFF, U+FFFF included) and astral ones (emoji,
 * U+10000, U+10FFFF), never a surrogate alone.
 */
public final class Generated {
    /** One case of a property, drawn from its own seed. */
    @FunctionalInterface
    public interface Check {
        void run(Generated g) throws Exception;
    }

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final SplittableRandom random;
    public final long seed;
    public final int tryIndex;

    private Generated(long seed, int tryIndex) {
        this.random = new SplittableRandom(seed);
        this.seed = seed;
        this.tryIndex = tryIndex;
    }

    /** The number of tries a property runs: {@code -Dagentstore.test.tries}, else {@code defaultTries}. */
    public static int tries(int defaultTries) {
        return Integer.getInteger("agentstore.test.tries", defaultTries);
    }

    /** Runs {@code check} {@link #tries} times, each on a fresh seed; a failure names the seed that replays it. */
    public static void forAll(int defaultTries, Check check) {
        long[] seeds = seeds(defaultTries);
        for (int i = 0; i < seeds.length; i++) {
            try {
                check.run(of(seeds[i], i));
            } catch (Throwable t) {
                throw new AssertionError(
                        "try " + (i + 1) + " of " + seeds.length + " failed; replay it alone with " + replay(seeds[i])
                                + ": " + t.getMessage(),
                        t);
            }
        }
    }

    /**
     * The seeds of {@link #tries} cases, the first one {@code -Dagentstore.test.seed} or a random one: for a
     * property whose cases run concurrently, each drawn with {@link #of}, rather than one after the other in
     * {@link #forAll}. The seeds are the ones {@link #forAll} would use, so {@link #replay} works alike.
     */
    public static long[] seeds(int defaultTries) {
        int tries = tries(defaultTries);
        Long fixed = Long.getLong("agentstore.test.seed");
        long base = fixed != null ? fixed : new SplittableRandom().nextLong();
        long[] seeds = new long[tries];
        for (int i = 0; i < tries; i++) {
            seeds[i] = base + i * GOLDEN;
        }
        return seeds;
    }

    /** The generator of try {@code tryIndex}, from its seed. */
    public static Generated of(long seed, int tryIndex) {
        return new Generated(seed, tryIndex);
    }

    /** The system properties that run the case of {@code seed} alone. */
    public static String replay(long seed) {
        return "-Dagentstore.test.seed=" + seed + " -Dagentstore.test.tries=1";
    }

    public int between(int min, int max) {
        return random.nextInt(min, max + 1);
    }

    /** {@code n} bytes, each any of the 256. */
    public byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    @SafeVarargs
    public final <T> T oneOf(T... options) {
        return options[random.nextInt(options.length)];
    }

    public <T> T oneOf(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** A length: mostly short, sometimes long. */
    private int length(int max) {
        int n = chance(0.8) ? between(0, 12) : chance(0.9) ? between(0, 200) : between(0, 4000);
        return Math.min(n, max);
    }

    /** Text of at most {@code maxCodePoints} code points, maybe empty or blank. */
    public String text(int maxCodePoints) {
        int n = length(maxCodePoints);
        StringBuilder s = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            s.appendCodePoint(codePoint());
        }
        return s.toString();
    }

    /** Text that the store takes as an id or a name: not blank, at most {@code maxCodePoints} (two chars each). */
    public String name(int maxCodePoints) {
        String s = text(maxCodePoints - 1);
        return s.isBlank() || s.chars().allMatch(c -> c == '.') ? s + oneOf("x", "\uD83D\uDE00", "é", "0") : s;
    }

    public int codePoint() {
        int kind = between(0, 99);
        if (kind < 35) {
            return between(0x20, 0x7E);
        } else if (kind < 40) {
            return between(0, 0x1F);
        } else if (kind < 45) {
            return oneOf(0x22, 0x5C, 0x2F, 0x7F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF, 0xFFFD); // " \\ / DEL ...
        } else if (kind < 60) {
            return between(0x80, 0x7FF);
        } else if (kind < 75) {
            int c = between(0x800, 0xFFFF - 0x800);
            return c >= 0xD800 ? c + 0x800 : c; // the BMP without the surrogates
        } else if (kind < 90) {
            return between(0x1F300, 0x1FAFF); // emoji
        }
        return oneOf(0x10000, 0x10FFFF, between(0x10000, 0x10FFFF));
    }

    /** Any JSON value, objects and arrays nesting at most {@code depth} more levels. */
    public Object value(int depth) {
        int kind = between(0, depth > 0 ? 10 : 7);
        return switch (kind) {
            case 0 -> null;
            case 1 -> chance(0.5);
            case 2, 3 -> wholeNumber();
            case 4, 5 -> finiteDouble();
            case 6, 7 -> text(40);
            case 8, 9 -> object(depth - 1);
            default -> array(depth - 1);
        };
    }

    public JsonObject object(int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        int n = between(0, chance(0.9) ? 5 : 30);
        for (int i = 0; i < n; i++) {
            map.put(text(12), value(depth));
        }
        return new JsonObject(map);
    }

    public JsonArray array(int depth) {
        JsonArray a = new JsonArray();
        int n = between(0, chance(0.9) ? 5 : 30);
        for (int i = 0; i < n; i++) {
            a.add(value(depth));
        }
        return a;
    }

    /** An Integer, a Long or a BigInteger (of up to 300 digits), as a JSON reader would hold it. */
    public Object wholeNumber() {
        int kind = between(0, 5);
        if (kind < 2) {
            return oneOf(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, between(-1000, 1000), random.nextInt());
        } else if (kind < 4) {
            long l = oneOf(Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE + 1L, random.nextLong());
            return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) l : (Object) l;
        }
        BigInteger b = new BigInteger(between(64, 1000), new java.util.Random(random.nextLong()));
        b = chance(0.5) ? b.negate() : b;
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    /** A finite double: any bit pattern (tiny, subnormal, huge), a round one, or one of the edges. */
    public double finiteDouble() {
        int kind = between(0, 3);
        if (kind == 0) {
            return oneOf(
                    0.0,
                    -0.0,
                    Double.MIN_VALUE,
                    -Double.MIN_VALUE,
                    Double.MIN_NORMAL,
                    Double.MAX_VALUE,
                    -Double.MAX_VALUE,
                    0.1,
                    1.0,
                    100.0,
                    1e21,
                    1e-7,
                    2.0E-3,
                    9007199254740993.0);
        } else if (kind == 1) {
            return between(-100_000, 100_000) / (double) oneOf(1, 10, 100, 1000);
        }
        double d;
        do {
            d = Double.longBitsToDouble(random.nextLong());
        } while (!Double.isFinite(d));
        return d;
    }
}
