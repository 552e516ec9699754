package dev.agentstore.store;

import dev.agentstore.bus.Failures;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** The one place that turns SQLite errors into failure codes and messages safe for clients. */
public final class SqliteErrors {
    private static final int CONSTRAINT = 19;

    private SqliteErrors() {}

    public static StoreException classify(SQLException e) {
        if (!(e instanceof SQLiteException se)) {
            return new StoreException(Failures.INTERNAL, "database error");
        }
        SQLiteErrorCode extended = se.getResultCode();
        int primary = extended.code & 0xFF;
        if (primary == CONSTRAINT) {
            return switch (extended) {
                case SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY ->
                    new StoreException(Failures.CONFLICT, "a row with this key already exists");
                case SQLITE_CONSTRAINT_FOREIGNKEY ->
                    new StoreException(Failures.NOT_FOUND, "a referenced row does not exist");
                default -> new StoreException(Failures.BAD_REQUEST, "the request violates a constraint of the store");
            };
        }
        return switch (primary) {
            case 5, 6 -> new StoreException(Failures.UNAVAILABLE, "the database is busy, retry later"); // BUSY, LOCKED
            case 8, 10, 11, 13, 14, 26 -> // READONLY, IOERR, CORRUPT, FULL, CANTOPEN, NOTADB
                new StoreException(Failures.UNAVAILABLE, "the database is not available");
            case 18 -> new StoreException(Failures.TOO_LARGE, "a value is too large for the database"); // TOOBIG
            default -> new StoreException(Failures.INTERNAL, "database error");
        };
    }

    /** SQLITE_BUSY or one of its extended codes: another connection holds the lock. */
    public static boolean isBusy(SQLException e) {
        return e instanceof SQLiteException se && (se.getResultCode().code & 0xFF) == 5;
    }
}
