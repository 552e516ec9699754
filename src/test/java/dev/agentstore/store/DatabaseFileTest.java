package dev.agentstore.store;

import static dev.agentstore.support.Bus.failsWith;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.support.Eventually;
import dev.agentstore.support.SqliteFiles;
import dev.agentstore.support.TestServer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName(
        "The database's -wal and -shm under a running server: moved or deleted, they are refused like a moved database file")
class DatabaseFileTest {
    @TempDir
    Path dir;

    static Path wal(TestServer server) {
        return Path.of(server.workflowDb() + "-wal");
    }

    static JsonObject workflowHealth(TestServer server) {
        return await(server.store.health()).getJsonObject("databases").getJsonObject("workflow");
    }

    static String create(TestServer server, String name) {
        return await(server.store.createWorkflow(new JsonObject().put("workflow_name", name)))
                .getString("id");
    }

    /** Reads re-check the files at most every 100 ms: the first read after that sees the change. */
    static void awaitReadFailsWith503(TestServer server, String id) {
        Eventually.await("a read is refused with 503", Duration.ofSeconds(10), () -> {
            try {
                await(server.store.getWorkflow(id));
                return false;
            } catch (ReplyException e) {
                return e.failureCode() == Failures.UNAVAILABLE;
            }
        });
    }

    @Test
    @DisplayName(
            "a -wal moved away makes health degraded and reads and writes 503; moved back, the database is healthy and has every row")
    void walMovedAwayIsRefusedUntilItComesBack() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            String before = create(server, "before");
            Path aside = dir.resolve("moved-aside-wal");
            Files.move(wal(server), aside);

            JsonObject degraded = workflowHealth(server);
            assertEquals("degraded", degraded.getString("status"), degraded.encode());
            assertTrue(degraded.getString("error").contains("-wal file was deleted or moved away"), degraded.encode());
            failsWith(Failures.UNAVAILABLE, server.store.createWorkflow(new JsonObject().put("workflow_name", "no")));
            awaitReadFailsWith503(server, before);
            assertFalse(Files.exists(wal(server)), "nothing of ours made a new -wal meanwhile");

            Files.move(aside, wal(server));
            assertEquals("healthy", workflowHealth(server).getString("status"));
            String after = create(server, "after");
            Eventually.await("reads are served again", Duration.ofSeconds(10), () -> {
                try {
                    return "before"
                            .equals(await(server.store.getWorkflow(before)).getString("workflow_name"));
                } catch (ReplyException e) {
                    return false;
                }
            });
            assertEquals("after", await(server.store.getWorkflow(after)).getString("workflow_name"));
        }
        assertEquals(2, SqliteFiles.number(dir.resolve("workflow.db"), "SELECT count(*) FROM workflow_states"));
    }

    @Test
    @DisplayName("a -wal deleted under the server is refused, and stopping saves what it held into the database file")
    void deletedWalIsSavedAtStop() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            for (int i = 0; i < 5; i++) {
                create(server, "kept-" + i);
            }
            assertTrue(Files.size(wal(server)) > 0, "the rows are in the WAL, not yet in the database file");
            Files.delete(wal(server));

            assertEquals("degraded", workflowHealth(server).getString("status"));
            failsWith(Failures.UNAVAILABLE, server.store.createWorkflow(new JsonObject().put("workflow_name", "lost")));
        }
        assertEquals(5, SqliteFiles.number(dir.resolve("workflow.db"), "SELECT count(*) FROM workflow_states"));
        assertEquals(
                0,
                SqliteFiles.number(
                        dir.resolve("workflow.db"),
                        "SELECT count(*) FROM workflow_states WHERE workflow_name = 'lost'"));
    }

    /** How many workflows the main file alone holds: a copy of it read without its -wal. */
    static long rowsInMainFileAlone(Path db, Path dir) {
        Path copy = dir.resolve("main-file-alone.db");
        try {
            Files.copy(db, copy, StandardCopyOption.REPLACE_EXISTING);
            return SqliteFiles.number(copy, "SELECT count(*) FROM workflow_states");
        } catch (IOException | IllegalStateException e) {
            return -1; // copied while a checkpoint wrote it: try again
        } finally {
            copy.toFile().delete();
        }
    }

    @Test
    @DisplayName(
            "a -wal deleted while nobody writes: the writer notices it and saves what it held into the database file at once, before any stop")
    void deletedWalIsSavedWithoutWaitingForTheStop() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            for (int i = 0; i < 5; i++) {
                create(server, "kept-" + i);
            }
            Path aside = Files.createDirectory(dir.resolve("aside"));
            assertEquals(0, rowsInMainFileAlone(server.workflowDb(), aside), "the rows are only in the WAL");
            Files.delete(wal(server));

            Eventually.await(
                    "the database file alone holds the 5 rows, as a kill -9 would leave it",
                    Duration.ofSeconds(10),
                    () -> rowsInMainFileAlone(server.workflowDb(), aside) == 5);
            assertEquals("degraded", workflowHealth(server).getString("status"));
        }
    }

    @Test
    @DisplayName(
            "a -shm deleted under the server makes health degraded and writes 503; moved back, the database is healthy again")
    void shmMovedAwayIsRefusedUntilItComesBack() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            create(server, "before");
            Path shm = Path.of(server.workflowDb() + "-shm");
            Path aside = dir.resolve("moved-aside-shm");
            Files.move(shm, aside);

            JsonObject degraded = workflowHealth(server);
            assertEquals("degraded", degraded.getString("status"), degraded.encode());
            assertTrue(degraded.getString("error").contains("-shm file was deleted or moved away"), degraded.encode());
            failsWith(Failures.UNAVAILABLE, server.store.createWorkflow(new JsonObject().put("workflow_name", "no")));
            assertFalse(Files.exists(shm), "nothing of ours made a new -shm meanwhile");

            Files.move(aside, shm);
            assertEquals("healthy", workflowHealth(server).getString("status"));
            create(server, "after");
        }
        assertEquals(2, SqliteFiles.number(dir.resolve("workflow.db"), "SELECT count(*) FROM workflow_states"));
        assertEquals(
                0,
                SqliteFiles.number(
                        dir.resolve("workflow.db"), "SELECT count(*) FROM workflow_states WHERE workflow_name = 'no'"));
    }
}
