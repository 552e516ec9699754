package dev.agentstore.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("The UTF-8 check agrees with the JDK's strict decoder on every short sequence, at every alignment")
class Utf8Test {
    private final CharsetDecoder jdk = StandardCharsets.UTF_8.newDecoder();
    private final CharBuffer chars = CharBuffer.allocate(1024);

    /** Where the JDK's decoder (which refuses overlong forms, surrogates and > U+10FFFF) first fails, or -1. */
    private int jdkFirstInvalid(byte[] b) {
        ByteBuffer in = ByteBuffer.wrap(b);
        jdk.reset();
        chars.clear();
        CoderResult r = jdk.decode(in, chars, true);
        return r.isError() ? in.position() : -1;
    }

    private static int firstInvalid(byte[] b) {
        return Math.max(Utf8.check(b), -1);
    }

    private void agree(byte[] b) {
        assertEquals(jdkFirstInvalid(b), firstInvalid(b), () -> HexFormat.of().formatHex(b));
    }

    @Test
    @DisplayName("every sequence of one, two and three bytes")
    void everyShortSequence() {
        for (int a = 0; a < 256; a++) {
            agree(new byte[] {(byte) a});
            for (int b = 0; b < 256; b++) {
                agree(new byte[] {(byte) a, (byte) b});
            }
        }
        for (int a = 0xE0; a < 0x100; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c = 0; c < 256; c += (c >= 0x78 && c <= 0xC8) ? 1 : 7) {
                    agree(new byte[] {(byte) a, (byte) b, (byte) c});
                }
            }
        }
    }

    @Test
    @DisplayName("every lead and second byte of a four-byte sequence, with the edges of the last two")
    void fourByteSequences() {
        int[] edges = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xFF};
        for (int a = 0xF0; a < 0x100; a++) {
            for (int b = 0; b < 256; b++) {
                for (int c : edges) {
                    for (int d : edges) {
                        agree(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("random text, mostly ASCII, with a bad byte anywhere: the eight-bytes-at-a-time path and its edges")
    void randomTextAtEveryAlignment() {
        SplittableRandom random = new SplittableRandom(42);
        String[] pieces = {"a", "é", "€", "\uD83D\uDE00", "\u0000", "\uFFFF", "abcdefgh"};
        for (int i = 0; i < 30_000; i++) {
            StringBuilder s = new StringBuilder();
            for (int n = random.nextInt(0, 40); n > 0; n--) {
                s.append(pieces[random.nextInt(pieces.length)]);
            }
            byte[] b = s.toString().getBytes(StandardCharsets.UTF_8);
            if (b.length > 0 && random.nextBoolean()) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            agree(b);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "61C0AF     | bytes C0 AF at offset 1: an overlong encoding",
                "E080AF     | bytes E0 80 AF at offset 0: an overlong encoding",
                "F08080AF   | bytes F0 80 80 AF at offset 0: an overlong encoding",
                "EDA080     | bytes ED A0 80 at offset 0: an encoded surrogate",
                "F4908080   | bytes F4 90 80 80 at offset 0: beyond U+10FFFF",
                "F5808080   | byte F5 at offset 0: beyond U+10FFFF",
                "FF         | byte FF at offset 0: a byte that UTF-8 never uses",
                "6180       | byte 80 at offset 1: a continuation byte without a lead byte",
                "E282       | bytes E2 82 at offset 0: a sequence cut short",
                "C2         | byte C2 at offset 0: a sequence cut short"
            })
    @DisplayName("a refusal says which bytes, where, and what is wrong with them")
    void describesTheBytes(String hex, String description) {
        byte[] b = HexFormat.of().parseHex(hex.toLowerCase());
        assertEquals(description, Utf8.describe(b, firstInvalid(b)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "'\\ud800', true",
        "'\\uDBFF', true",
        "'\\udc00', true",
        "'\\uDfFf', true",
        "'12345678\\ud800', true",
        "'1234567\\ud800', true",
        "'1234567\\ud800abcdefgh', true",
        "'abcdefgh12\\udbffxyzwxyzw', true",
        "'123456789\\ud800abcdefgh', true",
        "'\\nabcdefghijklmnopqrstu\\ud800vwxyzabcdefghijklmno', true",
        "'\\nabcdefghijklmnopqrstuvwxyz\\ud800', true",
        "'\\nabcdefghijklmnopqrstuvwxyz\\u0800', false",
        "'\u00e9\\ud800', true",
        "'\\ud800\u00e9', true",
        "'\\u0041', false",
        "'\\ud7ff', false",
        "'\\ue000', false",
        "'\\\\ud', false",
        "'ud800', false",
        "'\u00e9\u00e9\u00e9\u00e9', false"
    })
    @DisplayName("a body that may hold the escape of a surrogate is flagged, at any offset, before and after"
            + " non-ASCII text; one that cannot is not")
    void flagsSurrogateEscapes(String text, boolean flagged) {
        int result = Utf8.check(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(flagged ? Utf8.VALID_WITH_SURROGATE_ESCAPES : Utf8.VALID, result, text);
    }
}
