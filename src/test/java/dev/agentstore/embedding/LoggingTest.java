package dev.agentstore.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.Logging;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Logging: the server's one-line format, which an embedding application may take or leave")
class LoggingTest {
    private static final String LINE =
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO dev\\.agentstore\\.example - agent-store ready";

    private final Logger root = Logger.getLogger("");
    private Handler[] rootHandlers;
    private Level rootLevel;
    private PrintStream stderr;

    @BeforeEach
    void saveRoot() {
        rootHandlers = root.getHandlers();
        rootLevel = root.getLevel();
        stderr = System.err;
    }

    @AfterEach
    void restoreRoot() {
        System.setErr(stderr);
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        for (Handler h : rootHandlers) {
            root.addHandler(h);
        }
        root.setLevel(rootLevel);
    }

    @Test
    @DisplayName("A record is one line: date, time with milliseconds, level, logger, message")
    void oneLine() {
        String line = Logging.formatter().format(record(Level.INFO, "agent-store ready"));
        assertTrue(line.matches(LINE + "\\R"), line);
        assertEquals(1, line.lines().count(), line);
    }

    @Test
    @DisplayName("A message with line breaks stays on its line, the breaks escaped")
    void lineBreaksEscaped() {
        String line = Logging.formatter().format(record(Level.WARNING, "first\nsecond\r\nthird"));
        assertEquals(1, line.lines().count(), line);
        assertTrue(line.stripTrailing().endsWith("WARNING dev.agentstore.example - first\\nsecond\\r\\nthird"), line);
    }

    @Test
    @DisplayName("A throwable's stack trace follows its record's line")
    void stackTraceFollows() {
        LogRecord r = record(Level.SEVERE, "writer failed");
        r.setThrown(new IllegalStateException("disk full"));
        List<String> lines = Logging.formatter().format(r).lines().toList();
        assertTrue(lines.get(0).endsWith("SEVERE dev.agentstore.example - writer failed"), lines.get(0));
        assertEquals("java.lang.IllegalStateException: disk full", lines.get(1));
        assertTrue(lines.get(2).startsWith("\tat "), lines.get(2));
    }

    @Test
    @DisplayName("install() replaces the root logger's handlers with one that writes the format to stderr")
    void installWritesOneLineToStderr() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        assertTrue(Logging.install());
        Logger.getLogger("dev.agentstore.example").info("agent-store ready");
        Logger.getLogger("dev.agentstore.example").fine("below INFO: not printed");
        for (Handler h : root.getHandlers()) {
            h.flush();
        }
        assertEquals(1, root.getHandlers().length);
        String printed = err.toString(StandardCharsets.UTF_8);
        assertTrue(printed.matches(LINE + "\\R"), printed);
    }

    @Test
    @DisplayName("install() leaves logging alone when the JVM was given a logging configuration file")
    void installDefersToConfigFile() {
        Handler[] before = root.getHandlers();
        System.setProperty("java.util.logging.config.file", "logging.properties");
        try {
            assertFalse(Logging.install());
        } finally {
            System.clearProperty("java.util.logging.config.file");
        }
        assertEquals(before.length, root.getHandlers().length);
        for (int i = 0; i < before.length; i++) {
            assertSame(before[i], root.getHandlers()[i]);
        }
    }

    @Test
    @DisplayName("formatter() can go on a handler of the application's own, without install()")
    void formatterOnOwnHandler() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamHandler own = new StreamHandler(out, Logging.formatter());
        Logger logger = Logger.getLogger("dev.agentstore.example");
        logger.setUseParentHandlers(false);
        logger.addHandler(own);
        try {
            logger.info("agent-store ready");
            own.flush();
        } finally {
            logger.removeHandler(own);
            logger.setUseParentHandlers(true);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertTrue(printed.matches(LINE + "\\R"), printed);
    }

    private static LogRecord record(Level level, String message) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName("dev.agentstore.example");
        return r;
    }
}
