package dev.agentstore;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * agent-store's log format: one line per record, {@code 2025-11-28 03:50:52.611 INFO dev.agentstore.Main -
 * agent-store ready on http://127.0.0.1:8080}, through java.util.logging, which Vert.x and Agroal log to as
 * well. A record's throwable, if any, follows on the next lines as a stack trace.
 *
 * <p>{@code Main} installs it. The library never does: an application that embeds the store keeps its own
 * logging setup, and may call {@link #install()} to get the server's format, or put {@link #formatter()} on
 * a handler of its own (docs/embedding.md).
 */
public final class Logging {
    private Logging() {}

    /**
     * Makes the root logger print every record at INFO and above on stderr, one line each, in place of its
     * handlers. Does nothing when the JVM was given a logging configuration of its own
     * ({@code -Djava.util.logging.config.file} or {@code .class}): the operator's choice wins.
     *
     * @return whether it installed the format
     */
    public static boolean install() {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return false;
        }
        Logger root = Logger.getLogger("");
        for (Handler old : root.getHandlers()) {
            root.removeHandler(old);
            old.close();
        }
        Handler handler = new Stderr(); // System.err, as JUL's default handler, off the caller's thread
        handler.setFormatter(formatter());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        return true;
    }

    /**
     * A writer of INFO lines for {@code logger} that skips JUL's record (its allocation, sequence number, bundle
     * lookup and walk of the handlers) where that changes nothing: when every record of {@code logger} at INFO
     * would go to one {@link Stderr} in the {@link OneLine} format and nowhere else (no handler of its own or of
     * an ancestor but that one, no filter, INFO loggable). Then a line it writes is the one the logger would
     * have written. Else, empty: log through the logger. The answer holds until the logging setup changes, which
     * the server's does not once it started; the access log asks when its verticle starts, as it writes a line a
     * request.
     */
    public static Optional<Direct> direct(Logger logger) {
        if (!logger.isLoggable(Level.INFO)) {
            return Optional.empty();
        }
        Stderr target = null;
        for (Logger l = logger; l != null; l = l.getParent()) {
            if (l.getFilter() != null) {
                return Optional.empty();
            }
            for (Handler h : l.getHandlers()) {
                if (target != null
                        || !(h instanceof Stderr stderr)
                        || !(h.getFormatter() instanceof OneLine)
                        || h.getFilter() != null
                        || !h.isLoggable(new LogRecord(Level.INFO, ""))) {
                    return Optional.empty();
                }
                target = stderr;
            }
            if (!l.getUseParentHandlers()) {
                break;
            }
        }
        if (target == null) {
            return Optional.empty();
        }
        return Optional.of(new Direct(target, (OneLine) target.getFormatter(), logger.getName()));
    }

    /**
     * The INFO lines of one logger, written past JUL ({@link #direct}). {@link #accept} takes a message as the
     * logger would. A writer of a line a request (the access log) can instead append its fields to the
     * {@link #begin} of the line and hand it to {@link #end}: one builder and one string a line, not a message
     * copied into a second line; its fields must hold no line break, as the message's are not escaped that way.
     */
    public static final class Direct implements Consumer<String> {
        private final Stderr to;
        private final OneLine format;
        private final String name;

        private Direct(Stderr to, OneLine format, String name) {
            this.to = to;
            this.format = format;
            this.name = name;
        }

        @Override
        public void accept(String message) {
            to.queue(format.line(Instant.now(), Level.INFO, name, message, null));
        }

        /** A line, up to and with {@code " - "}, for the message to follow; {@code room}: its length, about. */
        public StringBuilder begin(int room) {
            return format.head(new StringBuilder(64 + room), Instant.now(), Level.INFO, name);
        }

        /** Writes a line that {@link #begin} started. */
        public void end(StringBuilder line) {
            to.queue(line.append(System.lineSeparator()).toString());
        }
    }

    /**
     * stderr, written by a thread of its own: a record is formatted where it is logged and queued, and the writer
     * thread writes what has queued in one go, flushes when the queue is empty, and waits {@value #LINGER_MS} ms
     * before it looks again, so that a busy server's lines go out a batch at a time. JUL's ConsoleHandler writes and
     * flushes every record under one lock, on the logging thread: with the access log that is an event loop,
     * once a request, and it cost get 18 % of its throughput (docs/PERFORMANCE.md). At most {@value #CAPACITY}
     * lines wait; past that an INFO line is dropped and counted (the count is written with the next line), a
     * WARNING or SEVERE one waits for room. {@link #close} (JUL's own shutdown hook calls it) writes what waits.
     */
    static final class Stderr extends Handler {
        static final int CAPACITY = 65_536;
        /** At most this long between a line's queueing and its write, when lines come faster than that. */
        static final long LINGER_MS = 20;

        private static final String STOP = new String("stop");

        private final BlockingQueue<String> queue;
        private final AtomicLong dropped = new AtomicLong();
        /** Lines queued, and lines written and flushed: {@link #flush} waits for the second to reach the first. */
        private final AtomicLong accepted = new AtomicLong();

        private volatile long flushed;
        private final int capacity;
        private final OutputStream out;
        private final Charset charset;
        private final Thread writer;
        private volatile boolean closed;

        Stderr() {
            this(System.err, CAPACITY);
        }

        /** For the tests: another stream, another capacity. */
        Stderr(java.io.OutputStream stream, int capacity) {
            this.capacity = capacity;
            queue = new ArrayBlockingQueue<>(capacity);
            // Bytes, not a Writer: a Writer copies a line's Latin-1 bytes out to chars and encodes them back, and
            // that was most of this thread's time under the access log.
            charset = Charset.defaultCharset();
            out = new BufferedOutputStream(stream, 1 << 16);
            writer = new Thread(this::drain, "agentstore-log-writer");
            writer.setDaemon(true);
            writer.start();
        }

        @Override
        public void publish(LogRecord record) {
            if (closed || !isLoggable(record)) {
                return;
            }
            String line;
            try {
                line = getFormatter().format(record);
            } catch (RuntimeException e) {
                reportError(null, e, java.util.logging.ErrorManager.FORMAT_FAILURE);
                return;
            }
            queue(line, record.getLevel());
        }

        /** An INFO line, formatted: queued, or dropped and counted when the queue is full. */
        void queue(String line) {
            if (closed) {
                return;
            }
            if (queue.offer(line)) {
                accepted.incrementAndGet();
            } else {
                dropped.incrementAndGet();
            }
        }

        private void queue(String line, Level level) {
            if (level.intValue() >= Level.WARNING.intValue()) {
                try {
                    queue.put(line);
                    accepted.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (queue.offer(line)) {
                accepted.incrementAndGet();
            } else {
                dropped.incrementAndGet();
            }
        }

        private void drain() {
            List<String> batch = new ArrayList<>();
            long wrote = 0;
            try {
                while (true) {
                    String first = queue.take();
                    batch.add(first);
                    queue.drainTo(batch);
                    boolean stop = false;
                    long lost = dropped.getAndSet(0);
                    if (lost > 0) {
                        out.write(("(" + lost + " log lines dropped: more than " + capacity + " waited)"
                                        + System.lineSeparator())
                                .getBytes(charset));
                    }
                    for (String line : batch) {
                        if (line == STOP) {
                            stop = true;
                        } else {
                            out.write(line.getBytes(charset));
                            wrote++;
                        }
                    }
                    batch.clear();
                    if (queue.isEmpty() || stop) {
                        out.flush();
                        flushed = wrote;
                    }
                    if (stop) {
                        return;
                    }
                    // Lets lines gather before the next write: a line at a time, the writer woke and wrote once
                    // per request under the access log, and every put woke it (docs/PERFORMANCE.md).
                    Thread.sleep(LINGER_MS);
                }
            } catch (InterruptedException | IOException e) {
                // stderr is gone, or the JVM is ending: nothing left to write to
            }
        }

        /** Waits (at most 5 s) until what was queued before is written and flushed. */
        @Override
        public void flush() {
            long target = accepted.get();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (flushed < target && !closed && System.nanoTime() < deadline) {
                LockSupport.parkNanos(200_000);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                queue.put(STOP);
                writer.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The one-line format, for a handler of the embedding application's own. */
    public static Formatter formatter() {
        return new OneLine();
    }

    /**
     * The one-line format, by class name for a {@code logging.properties} of the operator's own
     * ({@code java.util.logging.ConsoleHandler.formatter = dev.agentstore.Logging$OneLine}).
     */
    public static final class OneLine extends Formatter {
        /**
         * {@code 2025-11-28 03:50:52}: the part of the time that changes once a second, made once a second. With
         * the access log a record per request goes through here, and {@code String.format} of a date cost
         * several microseconds of the event loop's time for each (docs/PERFORMANCE.md).
         */
        private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

        private record Second(long epochSecond, String text) {}

        private volatile Second second = new Second(Long.MIN_VALUE, "");

        public OneLine() {}

        @Override
        public String format(LogRecord record) {
            return line(
                    record.getInstant(),
                    record.getLevel(),
                    record.getLoggerName(),
                    formatMessage(record),
                    record.getThrown());
        }

        /** The line of a record with these fields and {@code message} as its formatted message. */
        String line(Instant at, Level level, String logger, String text, Throwable thrown) {
            // A message with a line break (an SQL error, a client's text) would otherwise start a line that
            // a grep for the date, the level or the logger does not find.
            String message = text.indexOf('\r') < 0 && text.indexOf('\n') < 0
                    ? text
                    : text.replace("\r", "\\r").replace("\n", "\\n");
            StringBuilder line = head(new StringBuilder(64 + message.length()), at, level, logger)
                    .append(message);
            if (thrown != null) {
                StringWriter trace = new StringWriter();
                try (PrintWriter out = new PrintWriter(trace)) {
                    out.println();
                    thrown.printStackTrace(out);
                }
                line.append(trace.toString().stripTrailing());
            }
            return line.append(System.lineSeparator()).toString();
        }

        /** {@code line} with a line's time, level and logger appended, up to {@code " - "}. */
        StringBuilder head(StringBuilder line, Instant at, Level level, String logger) {
            line.append(second(at)).append('.');
            int millis = at.getNano() / 1_000_000;
            if (millis < 100) {
                line.append(millis < 10 ? "00" : "0");
            }
            // The level's name, not its localized one: operators grep for WARNING in every locale.
            return line.append(millis)
                    .append(' ')
                    .append(level.getName())
                    .append(' ')
                    .append(logger)
                    .append(" - ");
        }

        /**
         * The default zone is looked at when the second changes, not on every record: it copies the default
         * TimeZone each time. A change of the default zone shows from the next second on.
         */
        private String second(Instant at) {
            Second s = second;
            if (s.epochSecond() != at.getEpochSecond()) {
                ZoneId zone = ZoneId.systemDefault();
                s = new Second(at.getEpochSecond(), SECOND.format(ZonedDateTime.ofInstant(at, zone)));
                second = s;
            }
            return s.text();
        }
    }

    /**
     * The message alone and a line break: for a handler of the access log in {@code json}, whose lines then are
     * JSON and nothing else (docs/operations.md, "Access log"); each carries its own time.
     */
    public static final class MessageOnly extends Formatter {
        public MessageOnly() {}

        @Override
        public String format(LogRecord record) {
            return formatMessage(record).replace("\r", "\\r").replace("\n", "\\n") + System.lineSeparator();
        }
    }
}
