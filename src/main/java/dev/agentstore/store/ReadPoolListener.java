package dev.agentstore.store;

import io.agroal.api.AgroalDataSourceListener;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.sqlite.SQLiteConnection;

/**
 * Agroal's events for one read pool: a destroyed connection's prepared statements are closed with it,
 * releases are counted (Agroal counts acquisitions, not returns), and leaks and warnings are logged on
 * one line each.
 */
final class ReadPoolListener implements AgroalDataSourceListener {
    private static final Logger LOG = Logger.getLogger(ReadPoolListener.class.getName());

    private final String name;
    private final int leakThresholdS;
    private final Map<SQLiteConnection, Session> sessions;
    private final AtomicLong released = new AtomicLong();

    ReadPoolListener(String name, int leakThresholdS, Map<SQLiteConnection, Session> sessions) {
        this.name = name;
        this.leakThresholdS = leakThresholdS;
        this.sessions = sessions;
    }

    long released() {
        return released.get();
    }

    @Override
    public void beforeConnectionDestroy(Connection connection) {
        try {
            Session s = sessions.remove(connection.unwrap(SQLiteConnection.class));
            if (s != null) {
                s.closeStatements();
            }
        } catch (SQLException e) {
            LOG.fine("closing the statements of a pooled connection: " + e.getMessage());
        }
    }

    @Override
    public void onConnectionReturn(Connection connection) {
        released.incrementAndGet();
    }

    /** The holder's stack, innermost frame first, joined by " < " to stay one line. */
    @Override
    public void onConnectionLeak(Connection connection, Thread thread) {
        String where =
                Arrays.stream(thread.getStackTrace()).map(String::valueOf).collect(Collectors.joining(" < "));
        LOG.warning("database " + name + ": a connection has been held for more than " + leakThresholdS
                + " s by thread " + thread.getName() + ", now at: " + where);
    }

    @Override
    public void onWarning(String message) {
        LOG.warning("database " + name + " pool: " + oneLine(message));
    }

    @Override
    public void onWarning(Throwable throwable) {
        LOG.warning("database " + name + " pool: " + oneLine(String.valueOf(throwable.getMessage())));
    }

    private static String oneLine(String message) {
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
