package dev.agentstore.support;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** A backup taken over the bus and waited for: a fixture for the tests that call the backup routes. */
public final class BackupsDone {
    private BackupsDone() {}

    /** Starts a backup of every database and waits until it is complete; its manifest. */
    public static JsonObject take(TestServer server) {
        String id = TestServer.await(server.store.backup(new JsonObject())).getString("id");
        JsonObject[] manifest = new JsonObject[1];
        Eventually.await("backup " + id + " complete", Duration.ofSeconds(20), () -> {
            manifest[0] = TestServer.await(server.store.getBackup(id));
            if ("failed".equals(manifest[0].getString("state"))) {
                throw new AssertionError("backup " + id + " failed: " + manifest[0].encode());
            }
            return "complete".equals(manifest[0].getString("state"));
        });
        return manifest[0];
    }
}
