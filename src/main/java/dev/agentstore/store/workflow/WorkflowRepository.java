package dev.agentstore.store.workflow;

import dev.agentstore.bus.Failures;
import dev.agentstore.config.LimitsConfig;
import dev.agentstore.store.Changes;
import dev.agentstore.store.Fields;
import dev.agentstore.store.Ids;
import dev.agentstore.store.Page;
import dev.agentstore.store.Rows;
import dev.agentstore.store.Session;
import dev.agentstore.store.StoreException;
import dev.agentstore.store.StoredValues;
import dev.agentstore.store.Timestamps;
import dev.agentstore.store.Work;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import java.util.TreeSet;

/**
 * Workflow runs and their history. Each public method validates its request at once (throwing a
 * {@link StoreException} with 400 or 413) and returns the {@link Work} that the caller runs on a reader
 * or on the writer.
 */
public final class WorkflowRepository {
    private static final Set<String> CREATE_FIELDS = Set.of("id", "workflow_name", "initial_data");
    private static final Set<String> KEY = Set.of("id");
    /**
     * The row an update names, and the version it expects: accepted, not listed as a field of the change (over
     * HTTP they are the path and If-Match).
     */
    private static final Set<String> UPDATE_KEY = Set.of("id", "expected_version");

    private static final Set<String> UPDATE_FIELDS = Set.of("status", "current_step", "data", "error_message");
    private static final Set<String> PATCH_FIELDS = Set.of("patch");
    private static final Set<String> PATCHABLE = Set.of("status", "current_step", "data", "error_message");
    private static final Set<String> LIST_FIELDS = Set.of("status", "limit", "offset", "page_token");
    private static final Set<String> HISTORY_FIELDS = Set.of("limit", "offset", "page_token");

    /** The history texts of the Python implementation, so that old and new rows read alike (docs/api.md). */
    static final String CREATED = "Workflow created";

    private final LimitsConfig limits;

    public WorkflowRepository(LimitsConfig limits) {
        this.limits = limits;
    }

    /**
     * Write: a new pending workflow and its first history row. An {@code id} given by the caller (the Python
     * manager's {@code workflow_id}) is kept; one that exists is a 409.
     */
    public Work create(JsonObject body) {
        Fields.onlyKnown(body, CREATE_FIELDS);
        String given = Fields.optionalText(body, "id", Fields.SHORT_TEXT);
        String name = Fields.requiredText(body, "workflow_name", Fields.SHORT_TEXT);
        String data = Fields.optionalObject(body, "initial_data", limits.maxFieldBytes());
        // Made here, not on the writer, which every write waits for: the id (time-ordered: Ids) and the data
        // as the answer holds it, the object given (which reads back equal, StoredValues) rather than a parse
        // of its text. A copy: the reply is the caller's own, never a part of its request (LocalJsonCodec).
        String id = given != null ? given : Ids.timeOrdered();
        Object answerData =
                data == null ? null : body.getJsonObject("initial_data").copy();
        return s -> {
            if (given != null && Rows.exists(s.prepare(WorkflowSql.EXISTS, id))) {
                throw new StoreException(Failures.CONFLICT, "workflow " + id + " exists; choose another id");
            }
            String now = Timestamps.now();
            String status = WorkflowStatus.PENDING.value();
            s.update(s.prepare(WorkflowSql.INSERT, id, name, status, data, now, now));
            JsonObject history = appendHistory(s, id, status, null, CREATED, now);
            JsonObject wf = new JsonObject()
                    .put("id", id)
                    .put("workflow_name", name)
                    .put("status", status)
                    .put("current_step", null)
                    .put("data", answerData)
                    .put("error_message", null)
                    .put("created_at", now)
                    .put("updated_at", now)
                    .put("completed_at", null)
                    .put("version", 1L);
            Changes.record(s, Changes.WORKFLOW, id, "created", now, wf, history);
            return wf;
        };
    }

    /** Read: one workflow, or 404. */
    public Work get(JsonObject body) {
        String id = id(body);
        return s -> find(s, id);
    }

    /**
     * Write: changes status, step, data or error message and appends a history row, as the Python
     * implementation's PUT: a field left out or null is left as it is. {@code expected_version}, when given, must
     * be the stored version (else 412); the status must be one the current status may move to (else 409).
     */
    public Work update(JsonObject body) {
        Fields.onlyKnown(body, UPDATE_KEY, UPDATE_FIELDS);
        String id = id(body);
        Long expected = Fields.optionalVersion(body, "expected_version");
        String statusText = Fields.optionalText(body, "status", Fields.SHORT_TEXT);
        WorkflowStatus status = statusText == null ? null : WorkflowStatus.parse(statusText);
        String step = Fields.optionalText(body, "current_step", Fields.SHORT_TEXT);
        String data = Fields.optionalObject(body, "data", limits.maxFieldBytes());
        String error = Fields.optionalLongText(body, "error_message", limits.maxFieldBytes());
        if (status == null && step == null && data == null && error == null) {
            throw Fields.bad("nothing to update: give at least one of status, current_step, data, error_message");
        }
        Object answerData = data == null ? null : body.getJsonObject("data").copy(); // a reply of its own
        return s -> {
            JsonObject wf = find(s, id);
            checkVersion(wf, expected);
            checkTransition(wf, status);
            if (step != null) {
                wf.put("current_step", step);
            }
            if (data != null) {
                wf.put("data", answerData);
            }
            if (error != null) {
                wf.put("error_message", error);
            }
            return write(s, wf, status, data != null ? data : encode(wf.getValue("data")), error);
        };
    }

    /**
     * Write: a JSON Merge Patch (RFC 7396) of the workflow's status, current_step, data and error_message:
     * {@code {id, patch: {...}, expected_version?}}. A member set to null clears current_step or
     * error_message, or a key of data (data: null clears all of it); an object for data is merged into it, key by
     * key, at every depth. Status cannot be cleared. An empty patch changes nothing and writes nothing.
     */
    public Work patch(JsonObject body) {
        Fields.onlyKnown(body, UPDATE_KEY, PATCH_FIELDS);
        String id = id(body);
        Long expected = Fields.optionalVersion(body, "expected_version");
        Object p = body.getValue("patch");
        if (!(p instanceof JsonObject patch)) {
            throw Fields.bad("'patch' must be a JSON object (a merge patch, RFC 7396)");
        }
        for (String name : patch.fieldNames()) {
            if (!PATCHABLE.contains(name)) {
                throw Fields.bad("'" + name + "' cannot be patched; a patch may hold "
                        + String.join(", ", new TreeSet<>(PATCHABLE)));
            }
        }
        if (patch.containsKey("status") && patch.getValue("status") == null) {
            throw Fields.bad("'status' cannot be cleared; name the status to move to");
        }
        String statusText = Fields.optionalText(patch, "status", Fields.SHORT_TEXT);
        WorkflowStatus status = statusText == null ? null : WorkflowStatus.parse(statusText);
        String step = Fields.optionalText(patch, "current_step", Fields.SHORT_TEXT);
        String error = Fields.optionalLongText(patch, "error_message", limits.maxFieldBytes());
        Object dataPatch = patch.getValue("data");
        if (dataPatch != null && !(dataPatch instanceof JsonObject)) {
            throw Fields.bad("'data' must be a JSON object (merged into the stored data) or null (clears it)");
        }
        if (dataPatch != null) {
            StoredValues.object("data", ((JsonObject) dataPatch).getMap());
        }
        return s -> {
            JsonObject wf = find(s, id);
            checkVersion(wf, expected);
            if (patch.isEmpty()) {
                return wf;
            }
            checkTransition(wf, status);
            if (patch.containsKey("current_step")) {
                wf.put("current_step", step);
            }
            if (patch.containsKey("error_message")) {
                wf.put("error_message", error);
            }
            String data = encode(wf.getValue("data"));
            if (patch.containsKey("data")) {
                if (dataPatch == null) {
                    data = null;
                } else {
                    Object stored = wf.getValue("data");
                    JsonObject merged =
                            mergePatch(stored instanceof JsonObject o ? o : new JsonObject(), (JsonObject) dataPatch);
                    data = merged.encode();
                    long bytes = StoredValues.utf8Length("data", data);
                    if (bytes > limits.maxFieldBytes()) {
                        throw new StoreException(
                                Failures.TOO_LARGE,
                                "'data' after the patch would be " + bytes + " bytes; it must be at most "
                                        + limits.maxFieldBytes() + " bytes");
                    }
                    wf.put("data", merged);
                }
                if (data == null) {
                    wf.putNull("data");
                }
            }
            return write(s, wf, status, data, error);
        };
    }

    /** RFC 7396 on objects: a null member removes the key, an object member merges into an object, others replace. */
    static JsonObject mergePatch(JsonObject target, JsonObject patch) {
        JsonObject result = target.copy();
        for (String key : patch.fieldNames()) {
            Object value = patch.getValue(key);
            if (value == null) {
                result.remove(key);
            } else if (value instanceof JsonObject p) {
                Object current = result.getValue(key);
                result.put(key, mergePatch(current instanceof JsonObject o ? o : new JsonObject(), p));
            } else {
                result.put(key, value);
            }
        }
        return result;
    }

    /**
     * Writes {@code wf} (whose fields already hold the change) with {@code status} when given, a new version and
     * a history row in the Python implementation's words: the error message when one was given, else
     * "Updated to STATUS", else "State updated".
     */
    private static JsonObject write(Session s, JsonObject wf, WorkflowStatus status, String data, String error)
            throws SQLException {
        String now = Timestamps.now();
        String newStatus = status == null ? wf.getString("status") : status.value();
        long version = wf.getLong("version") + 1;
        wf.put("status", newStatus).put("updated_at", now).put("version", version);
        if (status != null && status.isFinal()) {
            wf.put("completed_at", now);
        }
        s.update(s.prepare(
                WorkflowSql.UPDATE,
                newStatus,
                wf.getString("current_step"),
                data,
                wf.getString("error_message"),
                now,
                wf.getString("completed_at"),
                version,
                wf.getString("id")));
        String message = error != null ? error : status != null ? "Updated to " + newStatus : "State updated";
        JsonObject history =
                appendHistory(s, wf.getString("id"), newStatus, wf.getString("current_step"), message, now);
        Changes.record(s, Changes.WORKFLOW, wf.getString("id"), "updated", now, wf, history);
        return wf;
    }

    private static void checkVersion(JsonObject wf, Long expected) {
        long version = wf.getLong("version");
        if (expected != null && expected != version) {
            throw new StoreException(
                    Failures.PRECONDITION_FAILED,
                    "workflow " + wf.getString("id") + " is at version " + version + ", not " + expected
                            + "; read it again and retry on what it holds now");
        }
    }

    /** 409 for a change of a final workflow, or to a status its current one may not move to. */
    private static void checkTransition(JsonObject wf, WorkflowStatus to) {
        String current = wf.getString("status");
        Set<WorkflowStatus> next = WorkflowStatus.next(current);
        if (next.isEmpty()) {
            throw new StoreException(
                    Failures.CONFLICT,
                    "workflow " + wf.getString("id") + " is " + current + ", a final status; it cannot change");
        }
        if (to != null && !next.contains(to)) {
            throw new StoreException(
                    Failures.CONFLICT,
                    "workflow " + wf.getString("id") + " is " + current + "; it cannot move to " + to.value()
                            + ", only to " + WorkflowStatus.names(next));
        }
    }

    /** Read: workflows newest first, optionally of one status. */
    public Work list(JsonObject body) {
        Fields.onlyKnown(body, LIST_FIELDS);
        String statusText = Fields.optionalText(body, "status", Fields.SHORT_TEXT);
        String status =
                statusText == null ? null : WorkflowStatus.parse(statusText).value();
        Page page = status == null ? WorkflowSql.LIST.page(body) : WorkflowSql.LIST_BY_STATUS.page(body, status);
        return s -> page.list(s, "workflows", WorkflowRepository::row);
    }

    /**
     * Read: the history of one workflow, oldest first, or 404: all of it, as the Python implementation
     * answered, unless a {@code limit} or {@code page_token} asks for a page.
     */
    public Work history(JsonObject body) {
        Fields.onlyKnown(body, Set.of("id"), HISTORY_FIELDS);
        String id = id(body);
        boolean paged = body.getValue("limit") != null
                || body.getValue("page_token") != null
                || body.getValue("offset") != null;
        Page page = paged ? WorkflowSql.LIST_HISTORY.page(body, id) : Page.all(WorkflowSql.LIST_HISTORY, id);
        return s -> {
            if (!Rows.exists(s.prepare(WorkflowSql.EXISTS, id))) {
                throw notFound(id);
            }
            Page.Result rows = page.rows(
                    s,
                    rs -> historyRow(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6)));
            JsonObject reply = new JsonObject().put("workflow_id", id).put("history", rows.rows());
            return paged ? reply.put("next_page_token", rows.next()) : reply;
        };
    }

    private static JsonObject find(Session s, String id) throws SQLException {
        return Rows.one(s.prepare(WorkflowSql.SELECT_BY_ID, id), WorkflowRepository::row, () -> notFound(id));
    }

    /** Appends a history row; returns it as the history list shows it. */
    private static JsonObject appendHistory(
            Session s, String id, String status, String step, String message, String now) throws SQLException {
        long rowId;
        try (ResultSet rs = s.prepare(WorkflowSql.INSERT_HISTORY, id, status, step, message, now)
                .executeQuery()) {
            rs.next();
            rowId = rs.getLong(1);
        }
        s.wrote(1);
        return historyRow(rowId, id, status, step, message, now);
    }

    private static JsonObject historyRow(
            long rowId, String id, String status, String step, String message, String createdAt) {
        return new JsonObject()
                .put("id", rowId)
                .put("workflow_id", id)
                .put("status", status)
                .put("step", step)
                .put("message", message)
                .put("created_at", createdAt);
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
                .put("completed_at", rs.getString(9))
                .put("version", rs.getLong(10));
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
