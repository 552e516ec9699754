package dev.agentstore;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
     * stderr, written by a thread of its own: a record is formatted where it is logged and queued, and the writer
     * thread writes what has queued in one go and flushes when the queue is empty. JUL's ConsoleHandler writes and
     * flushes every record under one lock, on the logging thread: with the access log that is an event loop,
     * once a request, and it cost get 18 % of its throughput (docs/PERFORMANCE.md). At most {@value #CAPACITY}
     * lines wait; past that an INFO line is dropped and counted (the count is written with the next line), a
     * WARNING or SEVERE one waits for room. {@link #close} (JUL's own shutdown hook calls it) writes what waits.
     */
    static final class Stderr extends Handler {
        static final int CAPACITY = 65_536;
        private static final String STOP = new String("stop");

        private final BlockingQueue<String> queue;
        private final AtomicLong dropped = new AtomicLong();
        private final int capacity;
        private final Writer out;
        private final Thread writer;
        private volatile boolean closed;

        Stderr() {
            this(System.err, CAPACITY);
        }

        /** For the tests: another stream, another capacity. */
        Stderr(java.io.OutputStream stream, int capacity) {
            this.capacity = capacity;
            queue = new ArrayBlockingQueue<>(capacity);
            out = new BufferedWriter(new OutputStreamWriter(stream, Charset.defaultCharset()), 1 << 16);
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
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                try {
                    queue.put(line);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else if (!queue.offer(line)) {
                dropped.incrementAndGet();
            }
        }

        private void drain() {
            List<String> batch = new ArrayList<>();
            try {
                while (true) {
                    String first = queue.take();
                    batch.add(first);
                    queue.drainTo(batch);
                    boolean stop = false;
                    long lost = dropped.getAndSet(0);
                    if (lost > 0) {
                        out.write("(" + lost + " log lines dropped: more than " + capacity + " waited)"
                                + System.lineSeparator());
                    }
                    for (String line : batch) {
                        if (line == STOP) {
                            stop = true;
                        } else {
                            out.write(line);
                        }
                    }
                    batch.clear();
                    if (queue.isEmpty() || stop) {
                        out.flush();
                    }
                    if (stop) {
                        return;
                    }
                }
            } catch (InterruptedException | IOException e) {
                // stderr is gone, or the JVM is ending: nothing left to write to
            }
        }

        /** Waits until what was queued before is written. */
        @Override
        public void flush() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!queue.isEmpty() && System.nanoTime() < deadline) {
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

        private record Second(long epochSecond, ZoneId zone, String text) {}

        private volatile Second second = new Second(Long.MIN_VALUE, null, "");

        public OneLine() {}

        @Override
        public String format(LogRecord record) {
            // A message with a line break (an SQL error, a client's text) would otherwise start a line that
            // a grep for the date, the level or the logger does not find.
            String message = formatMessage(record).replace("\r", "\\r").replace("\n", "\\n");
            Instant at = record.getInstant();
            StringBuilder line =
                    new StringBuilder(64 + message.length()).append(second(at)).append('.');
            int millis = at.getNano() / 1_000_000;
            if (millis < 100) {
                line.append(millis < 10 ? "00" : "0");
            }
            // The level's name, not its localized one: operators grep for WARNING in every locale.
            line.append(millis)
                    .append(' ')
                    .append(record.getLevel().getName())
                    .append(' ')
                    .append(record.getLoggerName())
                    .append(" - ")
                    .append(message);
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                try (PrintWriter out = new PrintWriter(trace)) {
                    out.println();
                    record.getThrown().printStackTrace(out);
                }
                line.append(trace.toString().stripTrailing());
            }
            return line.append(System.lineSeparator()).toString();
        }

        private String second(Instant at) {
            ZoneId zone = ZoneId.systemDefault();
            Second s = second;
            if (s.epochSecond() != at.getEpochSecond() || !zone.equals(s.zone())) {
                s = new Second(at.getEpochSecond(), zone, SECOND.format(ZonedDateTime.ofInstant(at, zone)));
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
