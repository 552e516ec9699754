package dev.agentstore.http;

import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.Eventually;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.Sse;
import dev.agentstore.support.TestServer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A thousand event streams, a hundred of them never reading, while writes run: bounded, and the rest"
        + " see every change in order")
@RealServer(config = "http: {stream_max_pending: " + SlowStreamsTest.MAX_PENDING + ", max_connections: 1500}")
class SlowStreamsTest {
    static final int MAX_PENDING = 20;
    static final int READERS = 900;
    static final int STUCK = 100;
    static final int WRITES = 250;

    static TestServer server;

    @Test
    @DisplayName("the stuck streams are closed at the bound, what streams hold stays bounded, readers get it all")
    void stuckStreamsAreBounded() throws Exception {
        int port = server.started.port();
        Long latest = await(server.store.listChanges(new JsonObject().put("limit", 1)))
                .getLong("latest");
        long start = latest == null ? 0 : latest;
        HttpClient client =
                server.vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(READERS));
        List<Reader> readers = new ArrayList<>();
        List<Future<Void>> opening = new ArrayList<>();
        for (int i = 0; i < READERS; i++) {
            Reader r = new Reader(client, port, "/api/changes/stream?after=" + start);
            readers.add(r);
            opening.add(r.open());
        }
        await(Future.all(opening));
        List<Socket> stuck = new ArrayList<>();
        for (int i = 0; i < STUCK; i++) {
            Socket s = new Socket();
            s.setReceiveBufferSize(2048); // before connect: the window it offers stays small
            s.connect(new InetSocketAddress("127.0.0.1", port));
            OutputStream out = s.getOutputStream();
            out.write(("GET /api/changes/stream?after=" + start + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            stuck.add(s); // and never read
        }
        StreamCounters counters = StreamCounters.of(server.vertx);
        Eventually.await("1000 streams open", Duration.ofSeconds(30), () -> counters.open.get() == READERS + STUCK);
        long overflowedBefore = counters.overflowed.get();

        String kilobyte = "x".repeat(1024);
        long mostHeld = 0;
        for (int done = 0; done < WRITES; ) {
            List<Future<JsonObject>> batch = new ArrayList<>();
            for (int i = 0; i < 25 && done < WRITES; i++, done++) {
                batch.add(server.store.createWorkflow(new JsonObject()
                        .put("workflow_name", "slow-" + done)
                        .put("initial_data", new JsonObject().put("pad", kilobyte))));
            }
            await(Future.all(batch));
            mostHeld = Math.max(mostHeld, counters.pending.get());
        }

        try {
            Eventually.await(
                    "every reader saw every change",
                    Duration.ofSeconds(120),
                    () -> readers.stream().allMatch(r -> r.changes().size() >= WRITES));
        } catch (AssertionError e) {
            // what the readers that fell short got: how many, over how many streams, whether the last one ended
            List<String> short_ = readers.stream()
                    .filter(r -> r.changes().size() < WRITES)
                    .limit(5)
                    .map(r -> r.changes().size() + " events, " + r.segments.size() + " streams"
                            + (r.current().isEnded() ? ", ended" : ", open"))
                    .toList();
            long count =
                    readers.stream().filter(r -> r.changes().size() < WRITES).count();
            throw new AssertionError(
                    e.getMessage() + ": " + count + " readers short, e.g. " + short_ + "; streams open "
                            + counters.open.get() + ", held " + counters.pending.get() + ", overflowed "
                            + (counters.overflowed.get() - overflowedBefore),
                    e);
        }
        List<String> expected = LongStream.rangeClosed(start + 1, start + WRITES)
                .mapToObj(Long::toString)
                .toList();
        long resumed = 0;
        for (Reader r : readers) {
            assertEquals(
                    expected,
                    r.changes().stream().map(Sse.Event::id).toList(),
                    "in order, none missed, none twice, across resumes");
            resumed += r.segments.size() - 1;
        }
        long resumedReaders = resumed;
        // A reader that fell behind the bound too (client and server share these event loops) was closed and
        // resumed from its Last-Event-ID, as an EventSource does: counted beside the stuck ones.
        Eventually.await(
                "the stuck streams were closed at their bound",
                Duration.ofSeconds(30),
                () -> counters.overflowed.get() - overflowedBefore == STUCK + resumedReaders);
        assertTrue(resumedReaders < READERS / 2, "most readers kept up: " + resumedReaders + " resumes");
        assertEquals(READERS, counters.open.get(), "the readers' streams stay open");
        assertTrue(
                mostHeld <= (long) (READERS + STUCK) * (MAX_PENDING + 1),
                "held at most the bound a stream: " + mostHeld);
        Eventually.await(
                "nothing is held once the stuck ones are gone",
                Duration.ofSeconds(10),
                () -> counters.pending.get() == 0);
        for (Socket s : stuck) {
            s.close();
        }
        readers.forEach(Reader::close);
        Eventually.await("every stream closed", Duration.ofSeconds(30), () -> counters.open.get() == 0);
        await(client.close());
    }

    /** A reader that resumes as an EventSource does: when the server closes its stream, it reconnects with Last-Event-ID. */
    static final class Reader {
        final HttpClient client;
        final int port;
        final String uri;
        final List<Sse> segments = new CopyOnWriteArrayList<>();
        volatile boolean closing;

        Reader(HttpClient client, int port, String uri) {
            this.client = client;
            this.port = port;
            this.uri = uri;
        }

        Future<Void> open() {
            List<Sse.Event> got = changes();
            MultiMap headers = got.isEmpty()
                    ? null
                    : MultiMap.caseInsensitiveMultiMap()
                            .add("Last-Event-ID", got.get(got.size() - 1).id());
            return Sse.open(client, port, uri, headers).map(sse -> {
                segments.add(sse);
                sse.ended().onComplete(v -> {
                    if (!closing && changes().size() < WRITES) {
                        open();
                    }
                });
                return null;
            });
        }

        List<Sse.Event> changes() {
            List<Sse.Event> all = new ArrayList<>();
            segments.forEach(s -> all.addAll(s.of("change")));
            return all;
        }

        Sse current() {
            return segments.get(segments.size() - 1);
        }

        void close() {
            closing = true;
            current().close();
        }
    }
}
