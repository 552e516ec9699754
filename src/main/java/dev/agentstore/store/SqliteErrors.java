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

    /**
     * Null for a failure of the request itself or of a lock (busy); else what is wrong with the storage,
     * for the health report: one of the errors that {@link #classify} calls "the database is not
     * available" (read-only, I/O error, corrupt, full, cannot open, not a database), named with its code.
     */
    public static String storageFailure(SQLException e) {
        if (!(e instanceof SQLiteException se)) {
            return null;
        }
        String what = switch (se.getResultCode().code & 0xFF) {
            case 8 -> "the database is read-only";
            case 10 -> "an I/O error";
            case 11 -> "the database file is corrupt";
            case 13 -> "the database or disk is full";
            case 14 -> "the database file cannot be opened";
            case 26 -> "the file is not a database";
            default -> null;
        };
        return what == null ? null : what + " (" + se.getResultCode().name() + ")";
    }

    /** SQLITE_BUSY or one of its extended codes: another connection holds the lock. */
    public static boolean isBusy(SQLException e) {
        return e instanceof SQLiteException se && (se.getResultCode().code & 0xFF) == 5;
    }
}
