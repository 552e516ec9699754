package dev.agentstore.store.agent;

import dev.agentstore.store.Listing;

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

    /** Newest first; id breaks ties. One token serves both (code is not part of the order). */
    static final Listing LIST_VERSIONS = Listing.newestFirst(
            "versions",
            "SELECT " + COLUMNS + ", created_at, id FROM agent_versions",
            "agent_name = ?",
            "created_at",
            "id",
            false);

    static final Listing LIST_VERSIONS_WITH_CODE = Listing.newestFirst(
            "versions",
            "SELECT " + COLUMNS_WITH_CODE + ", created_at, id FROM agent_versions",
            "agent_name = ?",
            "created_at",
            "id",
            false);

    static final String AGENT_EXISTS = "SELECT 1 FROM agent_versions WHERE agent_name = ? LIMIT 1";

    /** By name; the name is the key (unique per group). */
    static final Listing LIST_AGENTS = Listing.ascending("agents", """
      SELECT a.agent_name, count(*),
        (SELECT v.version FROM agent_versions v WHERE v.agent_name = a.agent_name AND v.is_active = 1
         ORDER BY v.created_at DESC, v.id DESC LIMIT 1),
        a.agent_name
      FROM agent_versions a""", null, "a.agent_name", "a.agent_name");

    static final String SET_ACTIVE =
            "UPDATE agent_versions SET is_active = ?, row_version = ? WHERE agent_name = ? AND version = ?";

    private AgentSql() {}
}
