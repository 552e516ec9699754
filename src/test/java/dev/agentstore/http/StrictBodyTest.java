package dev.agentstore.http;

import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Http;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Request bodies are decoded strictly: what is refused, and what comes back of what is accepted")
@RealServer
class StrictBodyTest {
    static TestServer server;

    static long rows() {
        return SqliteFiles.number(
                server.workflowDb(),
                "SELECT (SELECT count(*) FROM workflow_states) + (SELECT count(*) FROM articles)"
                        + " + (SELECT count(*) FROM alerts) + (SELECT count(*) FROM agent_versions)");
    }

    static HttpResponse<Buffer> post(String uri, byte[] body) {
        return await(server.http
                .request(HttpMethod.POST, uri)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)));
    }

    /** {@code before}, the raw bytes, then {@code after}: a body with bytes no Java string can hold. */
    static byte[] bytes(String before, int[] raw, String after) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        for (int b : raw) {
            out.write(b);
        }
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static Arguments refused(String what, String uri, byte[] body, String detail) {
        return Arguments.of(what, uri, body, detail);
    }

    static Arguments refused(String what, String uri, String body, String detail) {
        return refused(what, uri, body.getBytes(StandardCharsets.UTF_8), detail);
    }

    static Stream<Arguments> refusedBodies() {
        String article = "{\"url\":\"u\",\"title\":\"";
        return Stream.of(
                refused(
                        "an escaped lone high surrogate in an article id",
                        "/api/articles",
                        "{\"id\":\"surr-\\ud800-x\",\"url\":\"u\"}",
                        "unpaired surrogate \\ud800 in the string at /id (byte 6)"),
                refused(
                        "an escaped lone low surrogate in agent code",
                        "/api/agents/a/versions",
                        "{\"version\":\"1\",\"code\":\"x = '\\udc00'\"}",
                        "unpaired surrogate \\udc00 in the string at /code"),
                refused(
                        "half an emoji (high surrogate then a letter)",
                        "/api/alerts",
                        "{\"title\":\"\\ud83dx\"}",
                        "unpaired surrogate \\ud83d in the string at /title"),
                refused(
                        "a lone surrogate in a key of initial_data",
                        "/api/workflows",
                        "{\"workflow_name\":\"w\",\"initial_data\":{\"a\":[{\"\\udbff\":1}]}}",
                        "unpaired surrogate \\udbff in the key at /initial_data/a/0/\\udbff"),
                refused(
                        "an overlong '/' (C0 AF)",
                        "/api/articles",
                        bytes(article, new int[] {0xC0, 0xAF}, "\"}"),
                        "not valid JSON: it is not UTF-8 (bytes C0 AF at offset 20: an overlong encoding)"),
                refused(
                        "an overlong three-byte form (E0 80 AF)",
                        "/api/articles",
                        bytes(article, new int[] {0xE0, 0x80, 0xAF}, "\"}"),
                        "(bytes E0 80 AF at offset 20: an overlong encoding)"),
                refused(
                        "a surrogate encoded in UTF-8 (ED A0 80)",
                        "/api/articles",
                        bytes(article, new int[] {0xED, 0xA0, 0x80}, "\"}"),
                        "(bytes ED A0 80 at offset 20: an encoded surrogate)"),
                refused(
                        "a code point past U+10FFFF (F4 90 80 80)",
                        "/api/articles",
                        bytes(article, new int[] {0xF4, 0x90, 0x80, 0x80}, "\"}"),
                        "(bytes F4 90 80 80 at offset 20: beyond U+10FFFF)"),
                refused(
                        "a continuation byte alone",
                        "/api/articles",
                        bytes(article, new int[] {0x80}, "\"}"),
                        "(byte 80 at offset 20: a continuation byte without a lead byte)"),
                refused(
                        "a Latin-1 e-acute",
                        "/api/articles",
                        bytes(article, new int[] {0xE9}, "\"}"),
                        "(bytes E9 22 7D at offset 20: a sequence cut short)"),
                refused(
                        "a body in UTF-16",
                        "/api/alerts",
                        "{\"title\":\"t\"}".getBytes(StandardCharsets.UTF_16LE),
                        "not valid JSON: byte 0x00 at offset 1"),
                refused(
                        "a key given twice",
                        "/api/alerts",
                        "{\"title\":\"first\",\"title\":\"second\"}",
                        "repeats the key at /title (byte 17)"),
                refused(
                        "a key given twice deep inside initial_data",
                        "/api/workflows",
                        "{\"workflow_name\":\"w\",\"initial_data\":{\"a\":[{\"b\":1,\"b\":1}]}}",
                        "repeats the key at /initial_data/a/0/b (byte 49)"),
                refused(
                        "1e400",
                        "/api/workflows",
                        "{\"workflow_name\":\"w\",\"initial_data\":{\"x\":1e400}}",
                        "the number 1e400 at /initial_data/x (byte 41) is beyond the range of a double"),
                refused(
                        "-1E+400 in an array",
                        "/api/workflows",
                        "{\"workflow_name\":\"w\",\"initial_data\":{\"x\":[-1E+400]}}",
                        "the number -1E+400 at /initial_data/x/0"),
                refused(
                        "1e-400, which a double holds as 0",
                        "/api/workflows",
                        "{\"workflow_name\":\"w\",\"initial_data\":{\"x\":1e-400}}",
                        "the number 1e-400 at /initial_data/x (byte 41) is too small for a double"),
                refused(
                        "a number of 1001 digits",
                        "/api/workflows",
                        "{\"workflow_name\":\"w\",\"initial_data\":{\"x\":1" + "0".repeat(1000) + "}}",
                        "over a limit of the JSON reader: a number is longer than 1000 characters"),
                refused(
                        "a second value after the object",
                        "/api/alerts",
                        "{\"title\":\"t\"} {}",
                        "not valid JSON: more after the value, at byte 14"),
                refused(
                        "NaN",
                        "/api/workflows",
                        "{\"workflow_name\":\"w\",\"initial_data\":{\"x\":NaN}}",
                        "not valid JSON: Non-standard token 'NaN' (byte"),
                refused(
                        "initial_data nested 501 levels deep",
                        "/api/workflows",
                        "{\"workflow_name\":\"w\",\"initial_data\":" + "{\"k\":".repeat(500) + "{}" + "}".repeat(501),
                        "'initial_data' holds more than 500 levels of objects and arrays"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedBodies")
    @DisplayName("a body that would be stored as something else is a 400 naming the byte or the JSON pointer, and"
            + " writes nothing")
    void refusedWithWhereAndNothingWritten(String what, String uri, byte[] body, String detail) {
        long before = rows();
        String message = Http.problem(400, post(uri, body));
        assertTrue(message.contains(detail), message);
        assertEquals(before, rows());
    }

    @Test
    @DisplayName("initial_data nested 999 levels, which Jackson could not write back inside a reply, is a 400, not a"
            + " request left unanswered")
    void tooDeepForTheReplyIsRefused() {
        String body = "{\"workflow_name\":\"w\",\"initial_data\":{\"a\":" + "[".repeat(998) + "]".repeat(998) + "}}";
        HttpResponse<Buffer> r = await(server.http
                .request(HttpMethod.POST, "/api/workflows")
                .timeout(10_000)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)));
        assertEquals(400, r.statusCode(), r.bodyAsString());
    }

    @ParameterizedTest(name = "{0} reads back as {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "1e2       | 100.0",
                "1E+2      | 100.0",
                "1.0       | 1.0",
                "-0.0      | -0.0",
                "0e-400    | 0.0",
                "4.9e-324  | 4.9E-324",
                "1.7976931348623157e308 | 1.7976931348623157E308",
                "0.1000000000000000000000001 | 0.1",
                "-0        | 0",
                "12345678901234567890123456789 | 12345678901234567890123456789",
                "-9223372036854775809 | -9223372036854775809"
            })
    @DisplayName("a number reads back as the same double, or the same whole number digit for digit, in the reply"
            + " to the write and in every read")
    void numbersReadBackAsTheSameValue(String literal, String expected) {
        HttpResponse<Buffer> created = post(
                "/api/workflows",
                ("{\"workflow_name\":\"n\",\"initial_data\":{\"x\":" + literal + "}}")
                        .getBytes(StandardCharsets.UTF_8));
        JsonObject workflow = Http.json(201, created).getJsonObject("workflow");
        String read = server.get("/api/workflows/" + workflow.getString("id")).bodyAsString();
        for (String text : new String[] {created.bodyAsString(), read}) {
            String number = text.replaceAll(".*\"data\":\\{\"x\":([^}]*)}.*", "$1");
            assertEquals(expected, number, text);
            if (expected.contains(".") || expected.contains("E")) {
                assertEquals(
                        Double.doubleToRawLongBits(Double.parseDouble(literal)),
                        Double.doubleToRawLongBits(Double.parseDouble(number)));
            } else {
                assertEquals(new BigInteger(literal), new BigInteger(number));
            }
        }
    }

    @Test
    @DisplayName("astral characters, escaped pairs, a UTF-8 byte-order mark and keys in any order are accepted and"
            + " come back as sent, keys in their order")
    void textAndKeyOrderComeBack() {
        byte[] body = bytes(
                "",
                new int[] {0xEF, 0xBB, 0xBF},
                "{\"workflow_name\":\"\uD83D\uDE00 \\ud83d\\ude00\",\"initial_data\":{\"z\":1,\"\uD800\uDC00\":2,"
                        + "\"a\":\"\\u0000\\u2028\uDBFF\uDFFF\",\"\":null}}");
        JsonObject workflow = Http.json(201, post("/api/workflows", body)).getJsonObject("workflow");
        JsonObject read = Http.json(200, server.get("/api/workflows/" + workflow.getString("id")));
        for (JsonObject w : new JsonObject[] {workflow, read}) {
            assertEquals("\uD83D\uDE00 \uD83D\uDE00", w.getString("workflow_name"));
            JsonObject data = w.getJsonObject("data");
            assertEquals(java.util.List.of("z", "\uD800\uDC00", "a", ""), java.util.List.copyOf(data.fieldNames()));
            assertEquals("\u0000\u2028\uDBFF\uDFFF", data.getString("a"));
        }
    }
}
