package dev.agentstore.store.workflow;

import dev.agentstore.store.Listing;

final class WorkflowSql {
    static final String COLUMNS = """
      id, workflow_name, status, current_step, data, error_message, created_at, updated_at, completed_at, version""";

    static final String INSERT = """
      INSERT INTO workflow_states (id, workflow_name, status, current_step, data, error_message, created_at, updated_at)
      VALUES (?, ?, ?, NULL, ?, NULL, ?, ?)""";

    static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM workflow_states WHERE id = ?";

    static final String UPDATE = """
      UPDATE workflow_states
      SET status = ?, current_step = ?, data = ?, error_message = ?, updated_at = ?, completed_at = ?,
        version = ?
      WHERE id = ?""";

    /** rowid breaks ties between rows created in the same millisecond, newest first. */
    private static final String SELECT_LIST = "SELECT " + COLUMNS + ", created_at, rowid FROM workflow_states";

    static final Listing LIST = Listing.newestFirst("workflows", SELECT_LIST, null, "created_at", "rowid", false);

    static final Listing LIST_BY_STATUS =
            Listing.newestFirst("workflows", SELECT_LIST, "status = ?", "created_at", "rowid", false);

    static final String EXISTS = "SELECT 1 FROM workflow_states WHERE id = ?";

    static final String INSERT_HISTORY = """
      INSERT INTO workflow_history (workflow_id, status, step, message, created_at) VALUES (?, ?, ?, ?, ?)
      RETURNING id""";

    /** Oldest first; id is the row's INTEGER PRIMARY KEY, so it only grows. */
    static final Listing LIST_HISTORY = Listing.ascending(
            "history",
            "SELECT id, workflow_id, status, step, message, created_at, id FROM workflow_history",
            "workflow_id = ?",
            null,
            "id");

    private WorkflowSql() {}
}
