package dev.agentstore.store.alert;

final class AlertSql {
    static final String COLUMNS = "id, title, message, source_url, created_at";

    static final String INSERT = "INSERT INTO alerts (title, message, source_url, created_at) VALUES (?, ?, ?, ?)";

    static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM alerts WHERE id = ?";

    /** id breaks ties between rows created in the same millisecond (a batch), newest first. */
    static final String LIST = "SELECT " + COLUMNS + " FROM alerts ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";

    private AlertSql() {}
}
