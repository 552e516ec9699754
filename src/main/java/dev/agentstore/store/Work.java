package dev.agentstore.store;

import io.vertx.core.json.JsonObject;
import java.sql.SQLException;

/** One request's statements, run on a session the caller provides (a pooled reader, or the writer). */
@FunctionalInterface
public interface Work {
    JsonObject run(Session session) throws SQLException;
}
