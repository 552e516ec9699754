package dev.agentstore.store.agent;

final class AgentSql {
    static final String COLUMNS =
            "id, agent_name, version, description, created_at, created_by, is_active, row_version";
    static final String COLUMNS_WITH_CODE = COLUMNS + ", code";

    /** The unique index on (agent_name, version) decides; an update count of 0 means the version exists. */
    static final String INSERT_OR_IGNORE = """
      INSERT INTO agent_versions (agent_name, version, code, description, created_at, created_by, is_active)
      VALUES (?, ?, ?, ?, ?, ?, 1)
      ON CONFLICT (agent_name, version) DO NOTHING""";

    static final String SELECT_VERSION =
            "SELECT " + COLUMNS_WITH_CODE + " FROM agent_versions WHERE agent_name = ? AND version = ?";

    static final String SELECT_VERSION_WITHOUT_CODE =
            "SELECT " + COLUMNS + " FROM agent_versions WHERE agent_name = ? AND version = ?";

    /** The newest active version; id breaks ties between versions saved in the same millisecond. */
    static final String SELECT_LATEST_ACTIVE = "SELECT " + COLUMNS_WITH_CODE
            + " FROM agent_versions WHERE agent_name = ? AND is_active = 1 ORDER BY created_at DESC, id DESC LIMIT 1";

    static final String LIST_VERSIONS = "SELECT " + COLUMNS
            + " FROM agent_versions WHERE agent_name = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";

    static final String LIST_VERSIONS_WITH_CODE = "SELECT " + COLUMNS_WITH_CODE
            + " FROM agent_versions WHERE agent_name = ? ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?";

    static final String AGENT_EXISTS = "SELECT 1 FROM agent_versions WHERE agent_name = ? LIMIT 1";

    static final String LIST_AGENTS = """
      SELECT a.agent_name, count(*),
        (SELECT v.version FROM agent_versions v WHERE v.agent_name = a.agent_name AND v.is_active = 1
         ORDER BY v.created_at DESC, v.id DESC LIMIT 1)
      FROM agent_versions a GROUP BY a.agent_name ORDER BY a.agent_name LIMIT ? OFFSET ?""";

    static final String SET_ACTIVE =
            "UPDATE agent_versions SET is_active = ?, row_version = ? WHERE agent_name = ? AND version = ?";

    private AgentSql() {}
}
