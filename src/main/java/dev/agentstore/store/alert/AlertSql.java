package dev.agentstore.store.alert;

import dev.agentstore.store.Listing;

final class AlertSql {
    static final String COLUMNS = "id, title, message, source_url, created_at";

    static final String INSERT = "INSERT INTO alerts (title, message, source_url, created_at) VALUES (?, ?, ?, ?)";

    static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM alerts WHERE id = ?";

    /**
     * id breaks ties between rows created in the same millisecond (a batch), newest first. created_at may be
     * NULL in a legacy file (the Python schema lets it).
     */
    static final Listing LIST = Listing.newestFirst(
            "alerts", "SELECT " + COLUMNS + ", created_at, id FROM alerts", null, "created_at", "id", true);

    private AlertSql() {}
}
