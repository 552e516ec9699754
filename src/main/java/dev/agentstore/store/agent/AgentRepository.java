package dev.agentstore.store.agent;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.LimitsConfig;
import dev.agentstore.store.Changes;
import dev.agentstore.store.Fields;
import dev.agentstore.store.Page;
import dev.agentstore.store.Rows;
import dev.agentstore.store.StoreException;
import dev.agentstore.store.Timestamps;
import dev.agentstore.store.Work;
import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;

/**
 * Versions of generated agents' code. A saved version is active; the latest version of an agent is its
 * newest active one, so deactivating a bad release rolls the agent back to the version before it. Each
 * public method validates its request at once (400 or 413) and returns the {@link Work} to run.
 */
public final class AgentRepository {
    // The fields that name an agent, or one version of it: over HTTP they come from the path.
    private static final Set<String> AGENT_KEY = Set.of("agent_name");
    private static final Set<String> VERSION_KEY = Set.of("agent_name", "version");
    private static final Set<String> CREATE_FIELDS = Set.of("version", "code", "description", "created_by");
    private static final Set<String> LIST_VERSIONS_FIELDS = Set.of("include_code", "limit", "offset", "page_token");
    private static final Set<String> LIST_FIELDS = Set.of("limit", "offset", "page_token");
    private static final Set<String> SET_ACTIVE_FIELDS = Set.of("is_active");
    /** The version a change names, and the row_version it expects (over HTTP: the path and If-Match). */
    private static final Set<String> SET_ACTIVE_KEY = Set.of("agent_name", "version", "expected_row_version");

    private final LimitsConfig limits;

    public AgentRepository(LimitsConfig limits) {
        this.limits = limits;
    }

    /** Write: a new, active version; replies with it, code left out. 409 when the version exists. */
    public Work create(JsonObject body) {
        Fields.onlyKnown(body, AGENT_KEY, CREATE_FIELDS);
        String name = agentName(body);
        String version = version(body);
        String code = Fields.requiredLongText(body, "code", limits.maxFieldBytes());
        String description = Fields.optionalLongText(body, "description", limits.maxFieldBytes());
        String createdBy = Fields.optionalText(body, "created_by", Fields.SHORT_TEXT);
        return s -> {
            String now = Timestamps.now();
            if (s.update(s.prepare(AgentSql.INSERT_OR_IGNORE, name, version, code, description, now, createdBy)) == 0) {
                throw new StoreException(Failures.CONFLICT, "agent " + name + " already has a version " + version);
            }
            long id = s.lastInsertRowid();
            JsonObject created = new JsonObject()
                    .put("id", id)
                    .put("agent_name", name)
                    .put("version", version)
                    .put("description", description)
                    .put("created_at", now)
                    .put("created_by", createdBy)
                    .put("is_active", true)
                    .put("row_version", 1L);
            Changes.record(s, Changes.AGENT_VERSION, Long.toString(id), "created", now, created, null);
            return created;
        };
    }

    /** Read: one version with its code, or 404. */
    public Work get(JsonObject body) {
        Fields.onlyKnown(body, VERSION_KEY);
        String name = agentName(body);
        String version = version(body);
        return s -> Rows.one(
                s.prepare(AgentSql.SELECT_VERSION, name, version),
                AgentRepository::withCode,
                () -> notFound(name, version));
    }

    /** Read: the agent's newest active version with its code, or 404 when it has none. */
    public Work latest(JsonObject body) {
        Fields.onlyKnown(body, AGENT_KEY);
        String name = agentName(body);
        return s -> Rows.one(
                s.prepare(AgentSql.SELECT_LATEST_ACTIVE, name),
                AgentRepository::withCode,
                () -> new StoreException(Failures.NOT_FOUND, "agent " + name + " has no active version"));
    }

    /** Read: the agent's versions newest first, code left out unless {@code include_code}; 404 if it has none. */
    public Work listVersions(JsonObject body) {
        Fields.onlyKnown(body, AGENT_KEY, LIST_VERSIONS_FIELDS);
        String name = agentName(body);
        boolean withCode = Boolean.TRUE.equals(Fields.optionalBoolean(body, "include_code"));
        Page page = (withCode ? AgentSql.LIST_VERSIONS_WITH_CODE : AgentSql.LIST_VERSIONS).page(body, name);
        return s -> {
            Page.Result versions = page.rows(s, withCode ? AgentRepository::withCode : AgentRepository::withoutCode);
            if (versions.rows().isEmpty() && !Rows.exists(s.prepare(AgentSql.AGENT_EXISTS, name))) {
                throw new StoreException(Failures.NOT_FOUND, "agent " + name + " has no versions");
            }
            return page.reply("versions", versions).put("agent_name", name);
        };
    }

    /** Read: agents by name, each with its number of versions and its latest (newest active) version. */
    public Work list(JsonObject body) {
        Fields.onlyKnown(body, LIST_FIELDS);
        Page page = AgentSql.LIST_AGENTS.page(body);
        return s -> page.list(
                s,
                "agents",
                rs -> new JsonObject()
                        .put("agent_name", rs.getString(1))
                        .put("version_count", rs.getLong(2))
                        .put("latest_version", rs.getString(3)));
    }

    /**
     * Write: activates or deactivates one version; replies with it, code left out; 404 if it does not exist, 412
     * when {@code expected_row_version} is given and is not its row_version. Each change adds 1 to row_version.
     */
    public Work setActive(JsonObject body) {
        Fields.onlyKnown(body, SET_ACTIVE_KEY, SET_ACTIVE_FIELDS);
        String name = agentName(body);
        String version = version(body);
        boolean active = Fields.requiredBoolean(body, "is_active");
        Long expectedRowVersion = Fields.optionalVersion(body, "expected_row_version");
        return s -> {
            JsonObject v = Rows.one(
                    s.prepare(AgentSql.SELECT_VERSION_WITHOUT_CODE, name, version),
                    AgentRepository::withoutCode,
                    () -> notFound(name, version));
            long rowVersion = v.getLong("row_version");
            if (expectedRowVersion != null && expectedRowVersion != rowVersion) {
                throw new StoreException(
                        Failures.PRECONDITION_FAILED,
                        "agent " + name + " version " + version + " is at row_version " + rowVersion + ", not "
                                + expectedRowVersion + "; read it again and retry on what it holds now");
            }
            s.update(s.prepare(AgentSql.SET_ACTIVE, active ? 1 : 0, rowVersion + 1, name, version));
            v.put("is_active", active).put("row_version", rowVersion + 1);
            Changes.record(
                    s,
                    Changes.AGENT_VERSION,
                    Long.toString(v.getLong("id")),
                    active ? "activated" : "deactivated",
                    Timestamps.now(),
                    v,
                    null);
            return v;
        };
    }

    private static String agentName(JsonObject body) {
        return Fields.requiredText(body, "agent_name", Fields.SHORT_TEXT);
    }

    private static String version(JsonObject body) {
        return Fields.requiredText(body, "version", Fields.SHORT_TEXT);
    }

    private static StoreException notFound(String name, String version) {
        return new StoreException(Failures.NOT_FOUND, "agent " + name + " has no version " + version);
    }

    /** is_active is true only for 1, as the latest-version query reads it; a legacy NULL reads as false. */
    private static JsonObject withoutCode(ResultSet rs) throws SQLException {
        return new JsonObject()
                .put("id", rs.getLong(1))
                .put("agent_name", rs.getString(2))
                .put("version", rs.getString(3))
                .put("description", rs.getString(4))
                .put("created_at", rs.getString(5))
                .put("created_by", rs.getString(6))
                .put("is_active", rs.getInt(7) == 1)
                .put("row_version", rs.getLong(8));
    }

    private static JsonObject withCode(ResultSet rs) throws SQLException {
        return withoutCode(rs).put("code", rs.getString(9));
    }
}
