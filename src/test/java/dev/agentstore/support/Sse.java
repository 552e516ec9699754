package dev.agentstore.support;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.parsetools.RecordParser;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A client of one server-sent-events stream, as a browser's EventSource reads it: events are separated by a blank
 * line, {@code id:}, {@code event:} and {@code data:} fields, comments (lines that start with {@code :}) skipped.
 * Every event it receives is kept, in order, for the test to read from any thread.
 */
public final class Sse {
    /** One event: its id (null when it set none), its type and its data as JSON. */
    public record Event(String id, String event, JsonObject data) {}

    public final List<Event> events = new CopyOnWriteArrayList<>();
    public final int status;
    public final MultiMap headers;
    private final Promise<Void> ended = Promise.promise();
    private final HttpClientResponse response;

    private Sse(HttpClientResponse response) {
        this.response = response;
        this.status = response.statusCode();
        this.headers = response.headers();
        RecordParser parser = RecordParser.newDelimited("\n\n", block -> parse(block.toString()));
        response.handler(parser);
        response.endHandler(v -> ended.tryComplete());
        response.exceptionHandler(err -> ended.tryComplete());
        response.request().connection().closeHandler(v -> ended.tryComplete());
    }

    /** Opens {@code uri} on {@code client}, with {@code headers} (Last-Event-ID, Authorization) when given. */
    public static Future<Sse> open(HttpClient client, int port, String uri, MultiMap headers) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI(uri)
                .putHeader("Accept", "text/event-stream");
        if (headers != null) {
            headers.forEach(h -> options.putHeader(h.getKey(), h.getValue()));
        }
        return client.request(options).compose(req -> req.send()).map(Sse::new);
    }

    public static Future<Sse> open(Vertx vertx, int port, String uri) {
        return open(vertx.createHttpClient(), port, uri, null);
    }

    /** Completes when the server ends the stream or the connection closes. */
    public Future<Void> ended() {
        return ended.future();
    }

    public boolean isEnded() {
        return ended.future().isComplete();
    }

    /** Closes the connection, as a client that goes away. */
    public void close() {
        response.request().connection().close();
    }

    /** The events of type {@code type}. */
    public List<Event> of(String type) {
        return events.stream().filter(e -> type.equals(e.event())).toList();
    }

    private void parse(String block) {
        String id = null;
        String event = "message";
        StringBuilder data = null;
        for (String line : block.split("\n", -1)) {
            if (line.isEmpty() || line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
            switch (field) {
                case "id" -> id = value;
                case "event" -> event = value;
                case "data" ->
                    data = data == null
                            ? new StringBuilder(value)
                            : data.append('\n').append(value);
                default -> {} // retry: and unknown fields
            }
        }
        if (data != null) {
            events.add(new Event(id, event, new JsonObject(data.toString())));
        }
    }
}
