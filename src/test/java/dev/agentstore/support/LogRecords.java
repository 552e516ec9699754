package dev.agentstore.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The log records at WARNING and above (or another level, {@link #capture(Level)}) that the server writes while a test runs (java.util.logging, which
 * Vert.x, Netty's Vert.x logger and Agroal write to as well), for tests whose subject is what is logged.
 */
public final class LogRecords implements AutoCloseable {
    private final Logger root = Logger.getLogger("");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Level least;
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= least.intValue()) {
                records.add(record);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    private LogRecords(Level least) {
        this.least = least;
        root.addHandler(handler);
    }

    public static LogRecords capture() {
        return new LogRecords(Level.WARNING);
    }

    /** The records at {@code least} and above that reach the root logger (INFO, at the default logging setup). */
    public static LogRecords capture(Level least) {
        return new LogRecords(least);
    }

    /** Each record as the line a log would show: its message, formatted, and its throwable's, if any. */
    public List<String> lines() {
        java.util.logging.Formatter f = new java.util.logging.SimpleFormatter();
        return records.stream()
                .map(r -> r.getLevel() + " " + r.getLoggerName() + " " + f.formatMessage(r)
                        + (r.getThrown() == null ? "" : " " + r.getThrown()))
                .toList();
    }

    public List<LogRecord> records() {
        return List.copyOf(records);
    }

    /** The records with a stack trace: what a client's input must never cause. */
    public List<LogRecord> withThrowable() {
        return records.stream().filter(r -> r.getThrown() != null).collect(Collectors.toList());
    }

    /** The records, one line each with the throwable's class, for an assertion message. */
    public static String describe(List<LogRecord> records) {
        return records.stream()
                .map(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
                        + (r.getThrown() == null ? "" : " [" + r.getThrown() + "]"))
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        root.removeHandler(handler);
    }
}
