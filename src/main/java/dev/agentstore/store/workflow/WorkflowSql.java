package dev.agentstore.store.workflow;

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
    static final String LIST =
            "SELECT " + COLUMNS + " FROM workflow_states ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?";

    static final String LIST_BY_STATUS = "SELECT " + COLUMNS
            + " FROM workflow_states WHERE status = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?";

    static final String EXISTS = "SELECT 1 FROM workflow_states WHERE id = ?";

    static final String INSERT_HISTORY = """
      INSERT INTO workflow_history (workflow_id, status, step, message, created_at) VALUES (?, ?, ?, ?, ?)
      RETURNING id""";

    static final String LIST_HISTORY = """
      SELECT id, workflow_id, status, step, message, created_at
      FROM workflow_history WHERE workflow_id = ? ORDER BY id""";

    private WorkflowSql() {}
}
