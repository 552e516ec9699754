package dev.agentstore.store.workflow;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.LimitsConfig;
import dev.agentstore.store.Fields;
import dev.agentstore.store.Page;
import dev.agentstore.store.Rows;
import dev.agentstore.store.Session;
import dev.agentstore.store.StoreException;
import dev.agentstore.store.Timestamps;
import dev.agentstore.store.Work;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.UUID;

/**
 * Workflow runs and their history. Each public method validates its request at once (throwing a
 * {@link StoreException} with 400 or 413) and returns the {@link Work} that the caller runs on a reader
 * or on the writer.
 */
public final class WorkflowRepository {
    private static final Set<String> CREATE_FIELDS = Set.of("workflow_name", "initial_data");
    private static final Set<String> KEY = Set.of("id");
    private static final Set<String> UPDATE_FIELDS = Set.of("status", "current_step", "data", "error_message");
    private static final Set<String> LIST_FIELDS = Set.of("status", "limit", "offset");

    private final LimitsConfig limits;

    public WorkflowRepository(LimitsConfig limits) {
        this.limits = limits;
    }

    /** Write: a new pending workflow and its first history row. */
    public Work create(JsonObject body) {
        Fields.onlyKnown(body, CREATE_FIELDS);
        String name = Fields.requiredText(body, "workflow_name", Fields.SHORT_TEXT);
        String data = Fields.optionalObject(body, "initial_data", limits.maxFieldBytes());
        return s -> {
            String id = UUID.randomUUID().toString();
            String now = Timestamps.now();
            String status = WorkflowStatus.PENDING.value();
            s.update(s.prepare(WorkflowSql.INSERT, id, name, status, data, now, now));
            appendHistory(s, id, status, null, "workflow created", now);
            return new JsonObject()
                    .put("id", id)
                    .put("workflow_name", name)
                    .put("status", status)
                    .put("current_step", null)
                    .put("data", decode(data))
                    .put("error_message", null)
                    .put("created_at", now)
                    .put("updated_at", now)
                    .put("completed_at", null);
        };
    }

    /** Read: one workflow, or 404. */
    public Work get(JsonObject body) {
        String id = id(body);
        return s -> find(s, id);
    }

    /**
     * Write: changes status, step, data or error message and appends a history row. A final workflow
     * refuses every change with 409.
     */
    public Work update(JsonObject body) {
        Fields.onlyKnown(body, KEY, UPDATE_FIELDS);
        String id = id(body);
        String statusText = Fields.optionalText(body, "status", Fields.SHORT_TEXT);
        WorkflowStatus status = statusText == null ? null : WorkflowStatus.parse(statusText);
        String step = Fields.optionalText(body, "current_step", Fields.SHORT_TEXT);
        String data = Fields.optionalObject(body, "data", limits.maxFieldBytes());
        String error = Fields.optionalLongText(body, "error_message", limits.maxFieldBytes());
        if (status == null && step == null && data == null && error == null) {
            throw Fields.bad("nothing to update: give at least one of status, current_step, data, error_message");
        }
        return s -> {
            JsonObject wf = find(s, id);
            String current = wf.getString("status");
            if (WorkflowStatus.isFinal(current)) {
                throw new StoreException(
                        Failures.CONFLICT, "workflow " + id + " is " + current + ", a final status; it cannot change");
            }
            String now = Timestamps.now();
            String newStatus = status == null ? current : status.value();
            if (step != null) {
                wf.put("current_step", step);
            }
            if (data != null) {
                wf.put("data", decode(data));
            }
            if (error != null) {
                wf.put("error_message", error);
            }
            wf.put("status", newStatus).put("updated_at", now);
            if (status != null && status.isFinal()) {
                wf.put("completed_at", now);
            }
            s.update(s.prepare(
                    WorkflowSql.UPDATE,
                    newStatus,
                    wf.getString("current_step"),
                    data != null ? data : encode(wf.getValue("data")),
                    wf.getString("error_message"),
                    now,
                    wf.getString("completed_at"),
                    id));
            appendHistory(s, id, newStatus, wf.getString("current_step"), error, now);
            return wf;
        };
    }

    /** Read: workflows newest first, optionally of one status. */
    public Work list(JsonObject body) {
        Fields.onlyKnown(body, LIST_FIELDS);
        String statusText = Fields.optionalText(body, "status", Fields.SHORT_TEXT);
        String status =
                statusText == null ? null : WorkflowStatus.parse(statusText).value();
        Page page = Page.of(body);
        return s -> status == null
                ? page.list(s, "workflows", WorkflowSql.LIST, WorkflowRepository::row)
                : page.list(s, "workflows", WorkflowSql.LIST_BY_STATUS, WorkflowRepository::row, status);
    }

    /** Read: the history of one workflow, oldest first, or 404. */
    public Work history(JsonObject body) {
        String id = id(body);
        return s -> {
            if (!Rows.exists(s.prepare(WorkflowSql.EXISTS, id))) {
                throw notFound(id);
            }
            JsonArray rows = Rows.all(
                    s.prepare(WorkflowSql.LIST_HISTORY, id),
                    rs -> new JsonObject()
                            .put("id", rs.getLong(1))
                            .put("workflow_id", rs.getString(2))
                            .put("status", rs.getString(3))
                            .put("step", rs.getString(4))
                            .put("message", rs.getString(5))
                            .put("created_at", rs.getString(6)));
            return new JsonObject().put("workflow_id", id).put("history", rows);
        };
    }

    private static JsonObject find(Session s, String id) throws SQLException {
        return Rows.one(s.prepare(WorkflowSql.SELECT_BY_ID, id), WorkflowRepository::row, () -> notFound(id));
    }

    private static void appendHistory(Session s, String id, String status, String step, String message, String now)
            throws SQLException {
        s.update(s.prepare(WorkflowSql.INSERT_HISTORY, id, status, step, message, now));
    }

    private static JsonObject row(ResultSet rs) throws SQLException {
        return new JsonObject()
                .put("id", rs.getString(1))
                .put("workflow_name", rs.getString(2))
                .put("status", rs.getString(3))
                .put("current_step", rs.getString(4))
                .put("data", decode(rs.getString(5)))
                .put("error_message", rs.getString(6))
                .put("created_at", rs.getString(7))
                .put("updated_at", rs.getString(8))
                .put("completed_at", rs.getString(9));
    }

    private static String id(JsonObject body) {
        return Fields.requiredText(body, "id", Fields.SHORT_TEXT);
    }

    private static StoreException notFound(String id) {
        return new StoreException(Failures.NOT_FOUND, "workflow " + id + " does not exist");
    }

    /** data is stored as JSON text; a row written by another program may hold text that is not JSON. */
    private static Object decode(String data) {
        if (data == null) {
            return null;
        }
        try {
            return new JsonObject(data);
        } catch (DecodeException | ClassCastException e) {
            return data;
        }
    }

    private static String encode(Object data) {
        return data instanceof JsonObject o ? o.encode() : (String) data;
    }
}
