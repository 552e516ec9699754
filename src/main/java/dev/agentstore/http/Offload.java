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
import java.util.Collection;
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

    /**
     * {@code json} encoded on a worker, into one buffer of about its size: Json.encode copies a reply three
     * times (Jackson's segments, an array, the buffer).
     */
    Future<Buffer> encode(JsonObject json) {
        return executor.executeBlocking(
                () -> {
                    long size = size(json, Long.MAX_VALUE);
                    return encode(json, (int) Math.min(size + size / 8 + 64, Integer.MAX_VALUE - 8), Long.MAX_VALUE);
                },
                false);
    }

    Future<Void> close() {
        return executor.close();
    }

    /**
     * {@code json} encoded here, or null as soon as it passes {@link #THRESHOLD} bytes: then encoding stops, and
     * a large reply costs the event loop the encoding of 64 KiB instead of all of it. No walk ahead to measure
     * it: every reply would pay for that.
     */
    static Buffer encodeSmall(JsonObject json) {
        return encode(json, 512, THRESHOLD);
    }

    private static Buffer encode(JsonObject json, int initialSize, long limit) {
        BufferOutput out = new BufferOutput(Buffer.buffer(initialSize), limit);
        JsonGenerator g = null;
        try {
            g = JSON.createGenerator(out);
            JacksonCodec.encodeJson(json, g);
            g.close();
            return out.buffer;
        } catch (TooLarge e) {
            out.discard = true; // the generator flushes into the void and gives its buffers back
            closeQuietly(g);
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void closeQuietly(JsonGenerator g) {
        try {
            g.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing of it is kept
        }
    }

    /**
     * About the encoded size of {@code value}: a string counts a byte a character, a key and its quotes 8, a
     * number, boolean or null 8. Walked until the count passes {@code stopAbove}.
     */
    private static long size(Object value, long stopAbove) {
        if (value instanceof String s) {
            return s.length() + 2L;
        }
        if (value instanceof JsonObject o) {
            return sizeOf(o.getMap().values(), stopAbove);
        }
        if (value instanceof JsonArray a) {
            return sizeOf(a.getList(), stopAbove);
        }
        if (value instanceof Map<?, ?> m) {
            return sizeOf(m.values(), stopAbove);
        }
        if (value instanceof List<?> l) {
            return sizeOf(l, stopAbove);
        }
        if (value instanceof Buffer b) {
            return b.length() * 4L / 3 + 4;
        }
        if (value instanceof byte[] b) {
            return b.length * 4L / 3 + 4;
        }
        return 8;
    }

    private static long sizeOf(Collection<?> values, long stopAbove) {
        long sum = 2;
        for (Object v : values) {
            sum += 8 + (v instanceof String s ? s.length() : size(v, stopAbove - sum));
            if (sum > stopAbove) {
                break;
            }
        }
        return sum;
    }

    /** Appends to a Vert.x buffer, up to a limit; Jackson writes to it in blocks of its own. */
    private static final class BufferOutput extends OutputStream {
        private final Buffer buffer;
        private final long limit;
        private boolean discard;

        BufferOutput(Buffer buffer, long limit) {
            this.buffer = buffer;
            this.limit = limit;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (discard) {
                return;
            }
            if (buffer.length() + (long) len > limit) {
                throw TooLarge.INSTANCE;
            }
            buffer.appendBytes(b, off, len);
        }
    }

    /** Thrown through Jackson to stop an encoding that passed its limit; no stack trace, one instance. */
    private static final class TooLarge extends RuntimeException {
        static final TooLarge INSTANCE = new TooLarge();

        private TooLarge() {
            super("the reply is larger than " + THRESHOLD + " bytes", null, false, false);
        }
    }
}
