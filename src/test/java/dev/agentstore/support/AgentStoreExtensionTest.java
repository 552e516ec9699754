package dev.agentstore.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.support.RealServer.Lifecycle;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The test harness: @RealServer starts a real server for a class or a test, injects it, and stops it")
@RealServer(config = "limits: {max_batch_items: 7}")
class AgentStoreExtensionTest {
    static TestServer server;
    static Path dirInBeforeAll;

    @BeforeAll
    static void beforeAll(TestServer parameter) {
        assertSame(server, parameter, "the field is set before @BeforeAll methods run");
        dirInBeforeAll = parameter.dir();
    }

    @Test
    @DisplayName(
            "the class's server is in its field and in parameters, runs the class's config on a file in its own directory")
    void classServer(TestServer parameter) {
        assertSame(server, parameter);
        assertEquals(dirInBeforeAll, server.dir());
        assertEquals(7, server.config.limits().maxBatchItems());
        assertEquals(server.dir().resolve("workflow.db"), server.workflowDb());
        assertTrue(Files.exists(server.workflowDb()));
        assertEquals(200, server.get("/api/health/ready").statusCode());
    }

    @Test
    @RealServer(config = "http: {max_body_bytes: 4096}")
    @DisplayName(
            "a test's own server comes as its parameter, the test's config over the class's; the field keeps the class's")
    void methodServer(TestServer own) {
        assertNotSame(server, own);
        assertNotEquals(server.dir(), own.dir());
        assertEquals(4096, own.config.http().maxBodyBytes());
        assertEquals(7, own.config.limits().maxBatchItems());
        assertEquals(200, own.get("/api/health/ready").statusCode());
        assertEquals(dirInBeforeAll, server.dir());
    }

    @Test
    @DisplayName("a server that cannot be stopped fails loudly, naming what did not stop")
    void failedStopIsLoud(@TempDir Path dir) {
        TestServer alone = TestServer.start(dir);
        alone.close();
        AssertionError e = assertThrows(AssertionError.class, alone::close);
        assertTrue(e.getMessage().contains("did not stop"), e.getMessage());
    }

    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @RealServer(lifecycle = Lifecycle.PER_METHOD, config = "limits: {max_field_bytes: 2048}")
    @DisplayName("with lifecycle PER_METHOD")
    class PerMethod {
        static TestServer first;
        TestServer field;
        Path preparedIn;

        @BeforeServerStart
        void prepare(Path dir) throws Exception {
            preparedIn = dir;
            SqliteFiles.exec(dir.resolve("workflow.db"), "CREATE TABLE made_before_the_start (x)");
        }

        @Test
        @Order(1)
        @DisplayName("each test gets a fresh server in the field of its instance, prepared by @BeforeServerStart")
        void freshServer(TestServer parameter) {
            assertSame(field, parameter);
            assertNotSame(server, field, "the outer class keeps its own server");
            assertEquals(preparedIn, field.dir());
            assertEquals(2048, field.config.limits().maxFieldBytes());
            assertEquals(7, field.config.limits().maxBatchItems(), "the outer class's config applies too");
            assertEquals(0, SqliteFiles.count(field.workflowDb(), "made_before_the_start"));
            assertEquals(0, SqliteFiles.count(field.workflowDb(), "workflow_states"), "and it was migrated after");
            first = field;
        }

        @Test
        @Order(2)
        @DisplayName("the server of the test before was stopped and its directory deleted")
        void previousStopped() {
            assertNotNull(first, "runs after freshServer");
            assertNotSame(first, field);
            assertTrue(
                    first.vertx.deploymentIDs().isEmpty(),
                    first.vertx.deploymentIDs().toString());
            assertFalse(Files.exists(first.dir()), first.dir() + " still exists");
            assertEquals(200, field.get("/api/health/ready").statusCode());
        }
    }
}
