package dev.agentstore.store.workflow;

import dev.agentstore.store.Fields;
import java.util.Locale;

/** A workflow starts pending; pending and running may move anywhere; the other three are final. */
enum WorkflowStatus {
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED;

    static final String ALLOWED = "pending, running, completed, failed, cancelled";

    boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    static WorkflowStatus parse(String s) {
        for (WorkflowStatus st : values()) {
            if (st.value().equals(s)) {
                return st;
            }
        }
        throw Fields.bad("unknown status '" + s + "'; allowed: " + ALLOWED);
    }

    /** Rows stored by other writers may hold anything; unknown values are treated as not final. */
    static boolean isFinal(String stored) {
        for (WorkflowStatus st : values()) {
            if (st.value().equals(stored)) {
                return st.isFinal();
            }
        }
        return false;
    }
}
