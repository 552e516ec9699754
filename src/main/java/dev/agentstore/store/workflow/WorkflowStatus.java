package dev.agentstore.store.workflow;

import dev.agentstore.store.Fields;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The state machine of a workflow (docs/api.md, "Statuses"): created {@code pending}; {@code pending} moves to
 * {@code running} or to a final status; {@code running} moves to {@code running} again (a step) or to a final
 * status; nothing moves back to {@code pending}; {@code completed}, {@code failed} and {@code cancelled} are
 * final.
 */
enum WorkflowStatus {
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED;

    static final String ALLOWED = "pending, running, completed, failed, cancelled";

    private static final Set<WorkflowStatus> FROM_ACTIVE = EnumSet.of(RUNNING, COMPLETED, FAILED, CANCELLED);

    boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** The statuses an update may name from this one; none from a final status. */
    Set<WorkflowStatus> next() {
        return isFinal() ? EnumSet.noneOf(WorkflowStatus.class) : FROM_ACTIVE;
    }

    String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static WorkflowStatus parse(String s) {
        WorkflowStatus st = stored(s);
        if (st == null) {
            throw Fields.bad("unknown status '" + s + "'; allowed: " + ALLOWED);
        }
        return st;
    }

    /** A status as stored, or null for a value that another writer stored and that this enum does not know. */
    static WorkflowStatus stored(String s) {
        for (WorkflowStatus st : values()) {
            if (st.value().equals(s)) {
                return st;
            }
        }
        return null;
    }

    /** The next statuses of a stored status; an unknown one moves as {@code running} does. */
    static Set<WorkflowStatus> next(String stored) {
        WorkflowStatus st = stored(stored);
        return st == null ? FROM_ACTIVE : st.next();
    }

    static String names(Set<WorkflowStatus> statuses) {
        return statuses.stream().map(WorkflowStatus::value).collect(Collectors.joining(", "));
    }
}
