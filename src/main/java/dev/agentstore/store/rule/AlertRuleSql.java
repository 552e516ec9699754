package dev.agentstore.store.rule;

import dev.agentstore.store.Listing;

final class AlertRuleSql {
    static final String COLUMNS =
            "id, name, keywords, match_title, match_content, created_at, created_seq, deleted_at, deleted_seq";

    static final String INSERT =
            "INSERT INTO alert_rules (name, keywords, match_title, match_content, created_at) VALUES (?, ?, ?, ?, ?)";

    static final String SET_CREATED_SEQ = "UPDATE alert_rules SET created_seq = ? WHERE id = ?";

    static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM alert_rules WHERE id = ?";

    static final String DELETE = "UPDATE alert_rules SET deleted_at = ?, deleted_seq = ? WHERE id = ?";

    /** By id, oldest first: the rules in force. */
    static final Listing LIST = Listing.ascending(
            "alert-rules", "SELECT " + COLUMNS + ", id FROM alert_rules", "deleted_seq IS NULL", null, "id");

    /** By id, the deleted ones too (what a consumer that replays the feed needs). */
    static final Listing LIST_ALL =
            Listing.ascending("alert-rules-all", "SELECT " + COLUMNS + ", id FROM alert_rules", null, null, "id");

    private AlertRuleSql() {}
}
