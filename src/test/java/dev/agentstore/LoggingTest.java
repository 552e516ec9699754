package dev.agentstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The stderr handler that Main installs: every line, in order, written off the logging thread; none lost at close. */
@DisplayName(
        "Logging's stderr handler: lines in order, all written by close; past its capacity INFO is dropped and counted")
class LoggingTest {
    static LogRecord record(Level level, String message) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("test");
        return r;
    }

    @Test
    @DisplayName("10,000 lines from two threads: each thread's in its order, all of them written when close returns")
    void everyLineInOrder() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.Stderr handler = new Logging.Stderr(out, 1024);
        handler.setFormatter(new Logging.MessageOnly());
        Thread a = new Thread(() -> {
            for (int i = 0; i < 5000; i++) {
                handler.publish(record(Level.WARNING, "a" + i));
            }
        });
        Thread b = new Thread(() -> {
            for (int i = 0; i < 5000; i++) {
                handler.publish(record(Level.WARNING, "b" + i));
            }
        });
        a.start();
        b.start();
        a.join();
        b.join();
        handler.close();
        List<String> lines = out.toString(Charset.defaultCharset()).lines().toList();
        assertEquals(10_000, lines.size());
        assertEquals(
                java.util.stream.IntStream.range(0, 5000).mapToObj(i -> "a" + i).toList(),
                lines.stream().filter(l -> l.startsWith("a")).toList());
        assertEquals(
                java.util.stream.IntStream.range(0, 5000).mapToObj(i -> "b" + i).toList(),
                lines.stream().filter(l -> l.startsWith("b")).toList());
        handler.publish(record(Level.SEVERE, "after close"));
        assertTrue(!out.toString(Charset.defaultCharset()).contains("after close"));
    }

    @Test
    @DisplayName("while the stream blocks, INFO past the capacity is dropped, not waited for, and the count is written")
    void dropsInfoPastCapacity() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        OutputStream blocking = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                synchronized (sink) {
                    sink.write(b, off, len);
                }
            }
        };
        Logging.Stderr handler = new Logging.Stderr(blocking, 10);
        handler.setFormatter(new Logging.MessageOnly());
        // the writer blocks on its first flush (at the latest when its 64 KiB buffer is full); ten more wait, the rest
        // are dropped
        handler.publish(record(Level.INFO, "first"));
        for (int i = 0; i < 100_000; i++) {
            handler.publish(record(Level.INFO, "line" + i));
        }
        release.countDown();
        handler.publish(record(Level.INFO, "last"));
        handler.close();
        String written;
        synchronized (sink) {
            written = sink.toString(Charset.defaultCharset());
        }
        assertTrue(written.contains("log lines dropped: more than 10 waited"), written);
        assertTrue(
                written.lines().count() < 50_000,
                "dropped, not queued: " + written.lines().count() + " lines");
        assertTrue(written.contains("first"), written);
    }

    @Test
    @DisplayName("direct(): where a logger's INFO goes to one stderr handler alone, the same line, past JUL's record")
    void directWritesTheLoggersLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Logging.Stderr handler = new Logging.Stderr(out, 1024);
        handler.setFormatter(Logging.formatter());
        Logger logger = Logger.getLogger("test.direct." + System.nanoTime());
        logger.setUseParentHandlers(false);
        logger.addHandler(handler);
        try {
            Logging.Direct direct = Logging.direct(logger).orElseThrow();
            logger.info("through the logger");
            direct.accept("through direct");
            direct.end(direct.begin(8).append("built in place"));
            handler.close();
            List<String> lines = out.toString(Charset.defaultCharset()).lines().toList();
            assertEquals(3, lines.size(), lines.toString());
            String prefix = "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} INFO " + logger.getName() + " - ";
            assertTrue(lines.get(0).matches(prefix + "through the logger"), lines.get(0));
            assertTrue(lines.get(1).matches(prefix + "through direct"), lines.get(1));
            assertTrue(lines.get(2).matches(prefix + "built in place"), lines.get(2));
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    @DisplayName("direct() is empty wherever the logger would do more or less: a second handler, a filter, a level")
    void directOnlyWhereItChangesNothing() {
        Logging.Stderr handler = new Logging.Stderr(new ByteArrayOutputStream(), 16);
        handler.setFormatter(Logging.formatter());
        Logger logger = Logger.getLogger("test.direct." + System.nanoTime());
        logger.setUseParentHandlers(false);
        try {
            assertTrue(Logging.direct(logger).isEmpty(), "no handler: nowhere to write");
            logger.addHandler(handler);
            assertTrue(Logging.direct(logger).isPresent());
            Handler other = new java.util.logging.StreamHandler();
            logger.addHandler(other);
            assertTrue(Logging.direct(logger).isEmpty(), "a second handler");
            logger.removeHandler(other);
            logger.setFilter(r -> true);
            assertTrue(Logging.direct(logger).isEmpty(), "a filter on the logger");
            logger.setFilter(null);
            logger.setLevel(Level.WARNING);
            assertTrue(Logging.direct(logger).isEmpty(), "INFO not loggable");
            logger.setLevel(null);
            handler.setFormatter(new Logging.MessageOnly());
            assertTrue(Logging.direct(logger).isEmpty(), "another format");
            handler.setFormatter(Logging.formatter());
            Logger child = Logger.getLogger(logger.getName() + ".child");
            assertTrue(Logging.direct(child).isPresent(), "a child's records go to its parent's one handler");
            logger.setUseParentHandlers(true);
            assertTrue(Logging.direct(logger).isEmpty(), "the root's handlers as well");
        } finally {
            logger.removeHandler(handler);
            handler.close();
        }
    }
}
