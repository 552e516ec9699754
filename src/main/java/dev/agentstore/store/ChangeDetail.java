package dev.agentstore.store;

import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * The {@code detail} column of the change feed: what a change holds besides its seq, entity, id, kind and time.
 * Read, it is always {@code {"data": <the row as a GET answers it>, "history"?: <the history row>}}. Stored, a
 * workflow's change leaves out what its columns already say: the row's {@code id} (the change's entity_id), its
 * {@code updated_at} and {@code created_at} when they are the change's time, the history row's
 * {@code workflow_id}, {@code status}, {@code step} and {@code created_at} when they repeat the row, and every
 * field that is null; it is stored as {@code {"w": <the other fields>, "h": <the history row's others>}}. A
 * workflow change is the one that most writes make, and under synchronous=FULL the bytes a transaction appends to
 * the WAL are what its fsync waits for: the full detail of a create (480 bytes) cost creates 11 % of a group
 * commit's time in a JDBC benchmark of the writer, the compact one (about 170) a third of that
 * (docs/PERFORMANCE.md, "Issue 14"). A row whose fields are not exactly the ones below, in their order, is stored
 * in full, so that what is read back is always what was recorded.
 */
final class ChangeDetail {
    /** A workflow as a GET answers it, in its order (WorkflowRepository). */
    private static final List<String> WORKFLOW = List.of(
            "id",
            "workflow_name",
            "status",
            "current_step",
            "data",
            "error_message",
            "created_at",
            "updated_at",
            "completed_at",
            "version");
    /** A history row as the history list shows it, in its order. */
    private static final List<String> HISTORY = List.of("id", "workflow_id", "status", "step", "message", "created_at");

    private static final String ROW = "w";
    private static final String HISTORY_ROW = "h";

    private ChangeDetail() {}

    /** The text to store for a change of {@code entity} {@code id} at {@code time}. */
    static String encode(String entity, String id, String time, JsonObject data, JsonObject history) {
        if (entity.equals(Changes.WORKFLOW)
                && history != null
                && fieldsAre(data, WORKFLOW)
                && fieldsAre(history, HISTORY)) {
            JsonObject row = new JsonObject();
            for (String field : WORKFLOW) {
                Object value = data.getValue(field);
                if (!Objects.equals(value, workflowDefault(field, id, time))) {
                    row.put(field, value);
                }
            }
            JsonObject historyRow = new JsonObject();
            for (String field : HISTORY) {
                Object value = history.getValue(field);
                if (!Objects.equals(value, historyDefault(field, id, time, data))) {
                    historyRow.put(field, value);
                }
            }
            return new JsonObject().put(ROW, row).put(HISTORY_ROW, historyRow).encode();
        }
        JsonObject detail = new JsonObject().put("data", data);
        if (history != null) {
            detail.put("history", history);
        }
        return detail.encode();
    }

    /** What {@link #encode} stored, as readers get it: {@code {data, history?}}. */
    static JsonObject decode(String id, String time, String text) {
        JsonObject stored = new JsonObject(text);
        JsonObject row = stored.getJsonObject(ROW);
        if (row == null) {
            return stored; // stored in full
        }
        JsonObject data = new JsonObject();
        for (String field : WORKFLOW) {
            data.put(field, row.containsKey(field) ? row.getValue(field) : workflowDefault(field, id, time));
        }
        JsonObject historyRow = stored.getJsonObject(HISTORY_ROW);
        JsonObject history = new JsonObject();
        for (String field : HISTORY) {
            history.put(
                    field,
                    historyRow.containsKey(field) ? historyRow.getValue(field) : historyDefault(field, id, time, data));
        }
        return new JsonObject().put("data", data).put("history", history);
    }

    /** The value a workflow's field has unless the stored detail says otherwise. */
    private static Object workflowDefault(String field, String id, String time) {
        return switch (field) {
            case "id" -> id;
            case "created_at", "updated_at" -> time;
            default -> null;
        };
    }

    /** The value a history row's field has unless the stored detail says otherwise: {@code row} is the workflow. */
    private static Object historyDefault(String field, String id, String time, JsonObject row) {
        return switch (field) {
            case "workflow_id" -> id;
            case "status" -> row.getValue("status");
            case "step" -> row.getValue("current_step");
            case "created_at" -> time;
            default -> null;
        };
    }

    /** Whether {@code o} has exactly {@code fields}, in that order. */
    private static boolean fieldsAre(JsonObject o, List<String> fields) {
        if (o.size() != fields.size()) {
            return false;
        }
        Iterator<String> names = o.fieldNames().iterator();
        for (String field : fields) {
            if (!names.hasNext() || !names.next().equals(field)) {
                return false;
            }
        }
        return true;
    }
}
