package dev.agentstore.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a request body strictly, so that what the store keeps is what the client sent: Jackson's streaming
 * parser, plus the checks it lacks. It accepts overlong UTF-8 ({@code C0 AF} as {@code /}), UTF-8-encoded
 * surrogates, UTF-16 and UTF-32 bodies, lone surrogates from escapes ({@code "\ud800"}, which SQLite's
 * driver then stores as {@code ?}), numbers that overflow to Infinity ({@code 1e400}, then stored as the
 * string "Infinity") or underflow to 0, and a key given twice (the last one kept). Here each is a {@link
 * Problems.BadRequest} that names the byte offset and, past the UTF-8 check, the JSON pointer.
 *
 * <p>Values: objects keep their keys in order; a number without fraction or exponent is an Integer, Long or
 * BigInteger, exact at any length up to Jackson's 1000 digits; any other number is the nearest double
 * (finite, and not 0 unless the literal is a zero). Nesting is limited to Jackson's 1000 levels.
 */
final class StrictJson {
    static final String NOT_JSON = "the request body is not valid JSON";

    // Field names are not interned: they are the client's, and the JVM's string table is no place for them.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private final JsonParser p;
    private final boolean surrogateEscapes;

    private StrictJson(JsonParser p, boolean surrogateEscapes) {
        this.p = p;
        this.surrogateEscapes = surrogateEscapes;
    }

    /** The JSON value of {@code body}: a JsonObject, JsonArray, String, Number, Boolean or null. */
    static Object decode(byte[] body) {
        int utf8 = Utf8.check(body);
        if (utf8 >= 0) {
            throw new Problems.BadRequest(NOT_JSON + ": it is not UTF-8 (" + Utf8.describe(body, utf8) + ")");
        }
        // Jackson reads a body with a NUL byte among its first four as UTF-16 or UTF-32; in UTF-8 JSON text
        // a raw NUL is never allowed, so the body is refused before Jackson guesses.
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                throw new Problems.BadRequest(NOT_JSON + ": byte 0x00 at offset " + i);
            }
        }
        JsonParser p = parser(body);
        try (p) {
            Object value = new StrictJson(p, utf8 == Utf8.VALID_WITH_SURROGATE_ESCAPES).value(p.nextToken());
            if (p.nextToken() != null) {
                throw new Problems.BadRequest(NOT_JSON + ": more after the value, at byte "
                        + p.currentTokenLocation().getByteOffset());
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw new Problems.BadRequest(
                    "the request body is over a limit of the JSON reader: " + limit(e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new Problems.BadRequest(NOT_JSON + ": " + jacksonSentence(e.getOriginalMessage()) + " (byte "
                    + p.currentLocation().getByteOffset() + ")");
        } catch (IOException e) { // a byte array is never an I/O failure
            throw new Problems.BadRequest(NOT_JSON);
        }
    }

    private static JsonParser parser(byte[] body) {
        try {
            return FACTORY.createParser(body);
        } catch (IOException e) { // a byte array is never an I/O failure
            throw new Problems.BadRequest(NOT_JSON);
        }
    }

    private Object value(JsonToken t) throws IOException {
        if (t == null) {
            throw new Problems.BadRequest(NOT_JSON + ": it ends before a value");
        }
        return switch (t) {
            case START_OBJECT -> object();
            case START_ARRAY -> array();
            case VALUE_STRING -> text(p.getText(), "string");
            case VALUE_NUMBER_INT -> p.getNumberValue();
            case VALUE_NUMBER_FLOAT -> finiteDouble();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            // Jackson's JSON parser yields no other token at a value's place
            default -> throw new Problems.BadRequest(NOT_JSON + ": unexpected " + t);
        };
    }

    private JsonObject object() throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = text(p.currentName(), "key");
            if (map.containsKey(key)) {
                throw new Problems.BadRequest(
                        "the request body repeats the key at " + where() + "; a key may appear once in an object");
            }
            map.put(key, value(p.nextToken()));
        }
        return new JsonObject(map);
    }

    private JsonArray array() throws IOException {
        List<Object> list = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            list.add(value(t));
        }
        return new JsonArray(list);
    }

    /** A string or key, refused when it holds a surrogate without its pair (only an escape can make one). */
    private String text(String s, String what) {
        int at = surrogateEscapes ? Utf8.loneSurrogate(s) : -1;
        if (at >= 0) {
            throw new Problems.BadRequest("the request body holds an unpaired surrogate "
                    + Utf8.escape(String.valueOf(s.charAt(at))) + " in the " + what + " at " + where()
                    + "; text must be Unicode (a high surrogate \\ud800-\\udbff followed by a low one"
                    + " \\udc00-\\udfff)");
        }
        return s;
    }

    private double finiteDouble() throws IOException {
        double d = p.getDoubleValue();
        if (Double.isInfinite(d)) {
            throw new Problems.BadRequest("the number " + shorten(p.getText()) + " at " + where()
                    + " is beyond the range of a double" + " (about 1.8e308)");
        }
        if (d == 0 && !isZero(p.getText())) {
            throw new Problems.BadRequest("the number " + shorten(p.getText()) + " at " + where()
                    + " is too small for a double: it would be stored as 0");
        }
        return d;
    }

    /** True when the mantissa of a number literal has no digit but 0, as in {@code -0.0e5}. */
    private static boolean isZero(String literal) {
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            if (c == 'e' || c == 'E') {
                return true;
            }
            if (c >= '1' && c <= '9') {
                return false;
            }
        }
        return true;
    }

    /** The JSON pointer of the current token and its byte offset, as in {@code /initial_data/k (byte 27)}. */
    private String where() {
        String pointer = p.getParsingContext().pathAsPointer().toString();
        return (pointer.isEmpty() ? "the top level" : Utf8.escape(shorten(pointer))) + " (byte "
                + p.currentTokenLocation().getByteOffset() + ")";
    }

    private static String shorten(String s) {
        return shortened(s, 80);
    }

    private static String shortened(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    /** Jackson's message, without the location it appends or its advice about Jackson's own features. */
    private static String jacksonSentence(String message) {
        String line =
                message == null ? "malformed" : message.lines().findFirst().orElse("malformed");
        int advice = line.indexOf(": enable `");
        return advice < 0 ? shortened(line, 200) : line.substring(0, advice);
    }

    /** The limits of Jackson's StreamReadConstraints, said without its class names. */
    private static String limit(String message) {
        StreamReadConstraints limits = FACTORY.streamReadConstraints();
        if (message == null) {
            return "a limit";
        } else if (message.startsWith("Document nesting depth")) {
            return "it nests deeper than " + limits.getMaxNestingDepth() + " levels";
        } else if (message.startsWith("Number value length")) {
            return "a number is longer than " + limits.getMaxNumberLength() + " characters";
        } else if (message.startsWith("String value length")) {
            return "a string is longer than " + limits.getMaxStringLength() + " characters";
        } else if (message.startsWith("Name length")) {
            return "a key is longer than " + limits.getMaxNameLength() + " characters";
        }
        return jacksonSentence(message);
    }
}
