package dev.agentstore.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Decoding of large request bodies and encoding of large replies on a small worker pool of their own. A 1 MB
 * body takes milliseconds of Jackson; on an event loop that would hold every connection of the loop, health
 * checks included, and 150 of them in a row held it for seconds. Up to {@link #THRESHOLD} bytes the work stays
 * on the event loop, where it costs less than the hop.
 */
final class Offload {
    static final int THRESHOLD = 64 * 1024;
    private static final String KEY = Offload.class.getName();
    private static final JsonFactory JSON = new JsonFactory();

    private final WorkerExecutor executor;

    Offload(Vertx vertx) {
        // One thread per core: decoding is CPU work, and each decode briefly holds a few times its body's size.
        executor = vertx.createSharedWorkerExecutor(
                "agentstore-http-bodies", Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    /** Makes this the offload of the verticle whose context this is (its request contexts share the data). */
    void install(Context context) {
        context.put(KEY, this);
    }

    /** The offload of the HTTP verticle on whose event loop this runs, or null elsewhere. */
    static Offload current() {
        Context context = Vertx.currentContext();
        return context == null ? null : context.get(KEY);
    }

    /** {@link Requests#decode} on a worker; completes on the caller's event loop. */
    Future<JsonObject> decode(Buffer body) {
        return executor.executeBlocking(() -> Requests.decode(body), false);
    }

    /** {@code json} encoded on a worker, into one buffer of about its size (Json.encode copies it three times). */
    Future<Buffer> encode(JsonObject json) {
        return executor.executeBlocking(
                () -> {
                    long size = size(json, Long.MAX_VALUE);
                    Buffer out = Buffer.buffer((int) Math.min(size + size / 8 + 64, Integer.MAX_VALUE - 8));
                    try (JsonGenerator g = JSON.createGenerator(new BufferOutput(out))) {
                        JacksonCodec.encodeJson(json, g);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return out;
                },
                false);
    }

    Future<Void> close() {
        return executor.close();
    }

    /** Whether {@code json} encodes to more than {@link #THRESHOLD} bytes; stops walking as soon as it knows. */
    static boolean large(JsonObject json) {
        return size(json, THRESHOLD) > THRESHOLD;
    }

    /**
     * About the encoded size of {@code value} (a string counts a byte a character), walked until the count
     * passes {@code stopAbove}.
     */
    private static long size(Object value, long stopAbove) {
        if (value instanceof String s) {
            return s.length() + 2L;
        }
        if (value instanceof JsonObject o) {
            value = o.getMap();
        } else if (value instanceof JsonArray a) {
            value = a.getList();
        }
        long sum = 2;
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                sum += String.valueOf(e.getKey()).length() + 4 + size(e.getValue(), stopAbove - sum);
                if (sum > stopAbove) {
                    return sum;
                }
            }
            return sum;
        }
        if (value instanceof List<?> list) {
            for (Object item : list) {
                sum += 1 + size(item, stopAbove - sum);
                if (sum > stopAbove) {
                    return sum;
                }
            }
            return sum;
        }
        if (value instanceof Buffer b) {
            return b.length() * 4L / 3 + 4;
        }
        if (value instanceof byte[] b) {
            return b.length * 4L / 3 + 4;
        }
        return 24; // a number, a boolean, null, an instant
    }

    /** Appends to a Vert.x buffer; Jackson writes to it in blocks of its own. */
    private static final class BufferOutput extends OutputStream {
        private final Buffer buffer;

        BufferOutput(Buffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public void write(int b) {
            buffer.appendByte((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buffer.appendBytes(b, off, len);
        }
    }
}
