package dev.agentstore;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.logging.ConsoleHandler;
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
    private static final String FORMAT = "%1$tF %1$tT.%1$tL %2$s %3$s - %4$s%5$s%n";

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
        Handler handler = new ConsoleHandler(); // System.err, as JUL's default handler
        handler.setFormatter(formatter());
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        return true;
    }

    /** The one-line format, for a handler of the embedding application's own. */
    public static Formatter formatter() {
        return new OneLine();
    }

    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord record) {
            ZonedDateTime time = ZonedDateTime.ofInstant(record.getInstant(), ZoneId.systemDefault());
            // A message with a line break (an SQL error, a client's text) would otherwise start a line that
            // a grep for the date, the level or the logger does not find.
            String message = formatMessage(record).replace("\r", "\\r").replace("\n", "\\n");
            String thrown = "";
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                try (PrintWriter out = new PrintWriter(trace)) {
                    out.println();
                    record.getThrown().printStackTrace(out);
                }
                thrown = trace.toString().stripTrailing();
            }
            // The level's name, not its localized one: operators grep for WARNING in every locale.
            return String.format(FORMAT, time, record.getLevel().getName(), record.getLoggerName(), message, thrown);
        }
    }
}
