package dev.agentstore.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Well-formed UTF-8 (Unicode 15, table 3-7) and well-formed UTF-16 strings, checked without copying. */
final class Utf8 {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    private Utf8() {}

    /** {@link #check}: all of the bytes are UTF-8 and none is a backslash that may start a surrogate escape. */
    static final int VALID = -1;
    /** {@link #check}: all of the bytes are UTF-8, and a {@code \\u} escape of a surrogate may be among them. */
    static final int VALID_WITH_SURROGATE_ESCAPES = -2;

    private static final long ONES = 0x0101010101010101L;
    private static final long BACKSLASHES = 0x5C5C5C5C5C5C5C5CL;

    /**
     * The offset of the first byte of the first ill-formed sequence, or {@link #VALID} or {@link
     * #VALID_WITH_SURROGATE_ESCAPES}: in well-formed UTF-8 a lone surrogate can only come from an escape
     * ({@code \\ud800}), so a body without one needs no search for lone surrogates after decoding.
     * Ill-formed: a byte that cannot start a sequence (80-C1, F5-FF), a sequence cut short, an overlong
     * encoding (E0 80-9F, F0 80-8F), an encoded surrogate (ED A0-BF) and anything past U+10FFFF (F4 90-BF).
     */
    static int check(byte[] b) {
        int n = b.length;
        boolean escapes = false;
        int i = 0;
        while (i < n) {
            // JSON bodies are mostly ASCII: sixteen bytes at a time while none has its high bit set
            while (i + 16 <= n) {
                long w1 = (long) LONGS.get(b, i);
                long w2 = (long) LONGS.get(b, i + 8);
                if (((w1 | w2) & HIGH_BITS) != 0) {
                    break;
                }
                if (!escapes && (backslashes(w1) | backslashes(w2)) != 0) {
                    for (int k = i; k < i + 16; k++) {
                        escapes |= surrogateEscapeAt(b, k);
                    }
                }
                i += 16;
            }
            // then up to sixteen bytes one at a time (a sequence may end past them) before words again
            for (int stop = Math.min(n, i + 16); i < stop; ) {
                int c = b[i] & 0xFF;
                if (c < 0x80) {
                    escapes |= c == '\\' && surrogateEscapeAt(b, i);
                    i++;
                    continue;
                }
                int len = length(c);
                if (len == 0 || i + len > n) {
                    return i;
                }
                int second = b[i + 1] & 0xFF;
                if (second < low(c) || second > high(c)) {
                    return i;
                }
                for (int k = 2; k < len; k++) {
                    if ((b[i + k] & 0xC0) != 0x80) {
                        return i;
                    }
                }
                i += len;
            }
        }
        return escapes ? VALID_WITH_SURROGATE_ESCAPES : VALID;
    }

    /** Not 0 when a byte of {@code w} (all ASCII) is a backslash: the has-zero-byte test on {@code w ^ '\\'...}. */
    private static long backslashes(long w) {
        long x = w ^ BACKSLASHES;
        return (x - ONES) & ~x & HIGH_BITS;
    }

    /** {@code \\u} then D and 8-F: the escape of a surrogate (or text that looks like one: a false alarm is safe). */
    private static boolean surrogateEscapeAt(byte[] b, int k) {
        if (b[k] != '\\' || k + 3 >= b.length || b[k + 1] != 'u' || (b[k + 2] | 0x20) != 'd') {
            return false;
        }
        int h = b[k + 3] | 0x20;
        return h == '8' || h == '9' || h >= 'a' && h <= 'f';
    }

    /** What is wrong at {@code at}, as in {@code bytes C0 AF at offset 6: an overlong encoding}. */
    static String describe(byte[] b, int at) {
        int lead = b[at] & 0xFF;
        int len = Math.min(length(lead) > 0 ? length(lead) : lead == 0xC0 || lead == 0xC1 ? 2 : 1, b.length - at);
        StringBuilder s = new StringBuilder(len == 1 ? "byte" : "bytes");
        for (int k = 0; k < len; k++) {
            s.append(String.format(" %02X", b[at + k] & 0xFF));
        }
        return s.append(" at offset ")
                .append(at)
                .append(": ")
                .append(reason(b, at))
                .toString();
    }

    private static String reason(byte[] b, int at) {
        int lead = b[at] & 0xFF;
        int second = at + 1 < b.length ? b[at + 1] & 0xFF : -1;
        if (lead >= 0x80 && lead <= 0xBF) {
            return "a continuation byte without a lead byte";
        } else if (lead == 0xC0 || lead == 0xC1 || lead == 0xE0 && second < 0xA0 || lead == 0xF0 && second < 0x90) {
            return second < 0x80 || second > 0xBF ? "a sequence cut short" : "an overlong encoding";
        } else if (lead == 0xED && second >= 0xA0 && second <= 0xBF) {
            return "an encoded surrogate";
        } else if (lead >= 0xF8) {
            return "a byte that UTF-8 never uses";
        } else if (lead >= 0xF5 || lead == 0xF4 && second >= 0x90 && second <= 0xBF) {
            return "beyond U+10FFFF";
        }
        return "a sequence cut short";
    }

    /** The index of the first surrogate without its pair in {@code s}, or -1. */
    static int loneSurrogate(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    /** {@code s} with each lone surrogate and control character written as a JSON escape, for a message. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired =
                    Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                            || Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            if (c < 0x20 || Character.isSurrogate(c) && !paired) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The length of the sequence that {@code lead} starts, 0 if it starts none. */
    private static int length(int lead) {
        if (lead < 0x80) {
            return 1;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            return 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            return 3;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            return 4;
        }
        return 0;
    }

    /** The range of the second byte, which is where overlong forms, surrogates and > U+10FFFF are told apart. */
    private static int low(int lead) {
        return lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
    }

    private static int high(int lead) {
        return lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
    }
}
