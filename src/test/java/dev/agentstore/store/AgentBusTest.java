package dev.agentstore.store;

import static dev.agentstore.support.Bus.failsWith;
import static dev.agentstore.support.TestServer.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentstore.bus.Failures;
import dev.agentstore.support.RealServer;
import dev.agentstore.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The agent-version contract on the event bus (agentstore.agents)")
@RealServer
class AgentBusTest {
    static TestServer server;

    static JsonObject save(String agent, String version) {
        return await(server.store.saveAgentVersion(new JsonObject()
                .put("agent_name", agent)
                .put("version", version)
                .put("code", "def run():\n    return '" + agent + " " + version + "'\n")
                .put("description", "release " + version)
                .put("created_by", "builder")));
    }

    static JsonObject active(boolean on) {
        return new JsonObject().put("is_active", on);
    }

    static List<String> versions(JsonObject reply) {
        return reply.getJsonArray("versions").stream()
                .map(o -> ((JsonObject) o).getString("version"))
                .toList();
    }

    @Nested
    @DisplayName("save and get")
    class SaveAndGet {
        @Test
        @DisplayName("saves an active version and returns it without its code; get returns it with the code")
        void savesAndGets() {
            JsonObject saved = save("scraper", "1.0.0");
            assertTrue(saved.getLong("id") > 0);
            assertTrue(saved.getBoolean("is_active"));
            assertEquals("builder", saved.getString("created_by"));
            assertFalse(saved.containsKey("code"));
            JsonObject got = await(server.store.getAgentVersion("scraper", "1.0.0"));
            assertEquals("def run():\n    return 'scraper 1.0.0'\n", got.getString("code"));
            got.remove("code");
            assertEquals(saved, got);
        }

        @Test
        @DisplayName("refuses the same agent and version again with 409, and keeps the first code")
        void duplicateVersionIsConflict() {
            save("dup-agent", "1");
            String message = failsWith(
                    Failures.CONFLICT,
                    server.store.saveAgentVersion(new JsonObject()
                            .put("agent_name", "dup-agent")
                            .put("version", "1")
                            .put("code", "other")));
            assertTrue(message.contains("dup-agent") && message.contains("1"), message);
            assertTrue(await(server.store.getAgentVersion("dup-agent", "1"))
                    .getString("code")
                    .contains("dup-agent 1"));
        }

        @Test
        @DisplayName("get of an unknown version or agent fails with 404")
        void unknownVersionIsNotFound() {
            save("known", "1");
            failsWith(Failures.NOT_FOUND, server.store.getAgentVersion("known", "2"));
            failsWith(Failures.NOT_FOUND, server.store.getAgentVersion("unknown", "1"));
            failsWith(Failures.NOT_FOUND, server.store.latestAgentVersion("unknown"));
            failsWith(Failures.NOT_FOUND, server.store.listAgentVersions("unknown", new JsonObject()));
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(
                strings = {
                    "{\"version\": \"1\", \"code\": \"x\"}",
                    "{\"agent_name\": \"a\", \"code\": \"x\"}",
                    "{\"agent_name\": \"a\", \"version\": \"1\"}",
                    "{\"agent_name\": \"a\", \"version\": 1, \"code\": \"x\"}",
                    "{\"agent_name\": \"a\", \"version\": \"1\", \"code\": [\"x\"]}",
                    "{\"agent_name\": \"a\", \"version\": \"1\", \"code\": \"x\", \"is_active\": false}",
                    "{\"agent_name\": \"\", \"version\": \"1\", \"code\": \"x\"}",
                })
        @DisplayName("save refuses a missing, empty or mistyped field and an unknown one with 400")
        void refusesBadVersions(String body) {
            failsWith(Failures.BAD_REQUEST, server.store.saveAgentVersion(new JsonObject(body)));
        }

        @Test
        @DisplayName(
                "save refuses code larger than limits.max_field_bytes with 413; code of 1 MiB less a byte is kept whole")
        void codeSizeLimit() {
            int max = server.config.limits().maxFieldBytes();
            failsWith(
                    Failures.TOO_LARGE,
                    server.store.saveAgentVersion(new JsonObject()
                            .put("agent_name", "big")
                            .put("version", "1")
                            .put("code", "x".repeat(max + 1))));
            String code = "y".repeat(max - 1);
            await(server.store.saveAgentVersion(new JsonObject()
                    .put("agent_name", "big")
                    .put("version", "2")
                    .put("code", code)));
            assertEquals(code, await(server.store.getAgentVersion("big", "2")).getString("code"));
        }
    }

    @Nested
    @DisplayName("latest, versions and rollback")
    class Latest {
        @Test
        @DisplayName("latest is the newest active version, with its code")
        void latestIsNewestActive() {
            save("writer", "1.0");
            save("writer", "1.1");
            JsonObject latest = await(server.store.latestAgentVersion("writer"));
            assertEquals("1.1", latest.getString("version"));
            assertTrue(latest.getString("code").contains("writer 1.1"));
        }

        @Test
        @DisplayName("deactivating a bad release rolls back to the previous version; activating it again restores it")
        void rollsBack() {
            save("monitor", "1");
            save("monitor", "2");
            save("monitor", "3");
            JsonObject off = await(server.store.setAgentVersionActive("monitor", "3", active(false)));
            assertFalse(off.getBoolean("is_active"));
            assertFalse(off.containsKey("code"));
            assertEquals("2", await(server.store.latestAgentVersion("monitor")).getString("version"));
            assertFalse(await(server.store.getAgentVersion("monitor", "3")).getBoolean("is_active"));
            await(server.store.setAgentVersionActive("monitor", "2", active(false)));
            assertEquals("1", await(server.store.latestAgentVersion("monitor")).getString("version"));
            await(server.store.setAgentVersionActive("monitor", "3", active(true)));
            assertEquals("3", await(server.store.latestAgentVersion("monitor")).getString("version"));
            await(server.store.setAgentVersionActive("monitor", "1", active(false)));
            await(server.store.setAgentVersionActive("monitor", "3", active(false)));
            assertTrue(failsWith(Failures.NOT_FOUND, server.store.latestAgentVersion("monitor"))
                    .contains("no active version"));
        }

        @Test
        @DisplayName("set-active of an unknown version fails with 404; a missing or mistyped is_active with 400")
        void setActiveRefusals() {
            save("toggle", "1");
            failsWith(Failures.NOT_FOUND, server.store.setAgentVersionActive("toggle", "9", active(false)));
            failsWith(Failures.BAD_REQUEST, server.store.setAgentVersionActive("toggle", "1", new JsonObject()));
            failsWith(
                    Failures.BAD_REQUEST,
                    server.store.setAgentVersionActive("toggle", "1", new JsonObject().put("is_active", 0)));
            assertTrue(await(server.store.getAgentVersion("toggle", "1")).getBoolean("is_active"));
        }

        @Test
        @DisplayName("an unknown field fails with 400 listing only what the body may hold, not the agent_name and"
                + " version that name the row")
        void unknownFieldListsOnlyTheBody() {
            save("keyed", "1");
            assertEquals(
                    "unknown field 'colour'; allowed: is_active",
                    failsWith(
                            Failures.BAD_REQUEST,
                            server.store.setAgentVersionActive(
                                    "keyed", "1", active(false).put("colour", "red"))));
            assertTrue(await(server.store.getAgentVersion("keyed", "1")).getBoolean("is_active"));
            assertEquals(
                    "unknown field 'colour'; allowed: code, created_by, description, version",
                    failsWith(
                            Failures.BAD_REQUEST,
                            server.store.saveAgentVersion(new JsonObject()
                                    .put("agent_name", "keyed")
                                    .put("version", "2")
                                    .put("code", "c")
                                    .put("colour", "red"))));
            assertEquals(
                    "unknown field 'colour'; allowed: include_code, limit, offset, page_token",
                    failsWith(
                            Failures.BAD_REQUEST,
                            server.store.listAgentVersions("keyed", new JsonObject().put("colour", "red"))));
            assertEquals(List.of("1"), versions(await(server.store.listAgentVersions("keyed", new JsonObject()))));
        }

        @Test
        @DisplayName("list-versions is newest first, leaves the code out unless include_code, and pages")
        void listsVersions() {
            save("lister", "a");
            save("lister", "b");
            save("lister", "c");
            await(server.store.setAgentVersionActive("lister", "b", active(false)));
            JsonObject all = await(server.store.listAgentVersions("lister", new JsonObject()));
            assertEquals("lister", all.getString("agent_name"));
            assertEquals(List.of("c", "b", "a"), versions(all));
            assertTrue(all.getJsonArray("versions").stream().noneMatch(v -> ((JsonObject) v).containsKey("code")));
            assertFalse(all.getJsonArray("versions").getJsonObject(1).getBoolean("is_active"));
            JsonObject withCode =
                    await(server.store.listAgentVersions("lister", new JsonObject().put("include_code", true)));
            assertTrue(withCode.getJsonArray("versions").stream()
                    .allMatch(v -> ((JsonObject) v).getString("code") != null));
            assertEquals(
                    List.of("b"),
                    versions(await(server.store.listAgentVersions(
                            "lister", new JsonObject().put("limit", 1).put("offset", 1)))));
            assertEquals(
                    List.of(),
                    versions(await(server.store.listAgentVersions("lister", new JsonObject().put("offset", 3)))));
            failsWith(
                    Failures.BAD_REQUEST,
                    server.store.listAgentVersions("lister", new JsonObject().put("include_code", "yes")));
        }

        @Test
        @DisplayName(
                "list names each agent with its number of versions and its latest version, null when none is active")
        void listsAgents() {
            save("zz-one", "1");
            save("zz-one", "2");
            save("zz-two", "1");
            await(server.store.setAgentVersionActive("zz-two", "1", active(false)));
            JsonArray agents = await(server.store.listAgents(new JsonObject().put("limit", 1000)))
                    .getJsonArray("agents");
            List<String> names = agents.stream()
                    .map(o -> ((JsonObject) o).getString("agent_name"))
                    .toList();
            assertEquals(names.stream().sorted().toList(), names);
            JsonObject one = agents.stream()
                    .map(o -> (JsonObject) o)
                    .filter(a -> a.getString("agent_name").equals("zz-one"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(2, one.getInteger("version_count"));
            assertEquals("2", one.getString("latest_version"));
            JsonObject two = agents.stream()
                    .map(o -> (JsonObject) o)
                    .filter(a -> a.getString("agent_name").equals("zz-two"))
                    .findFirst()
                    .orElseThrow();
            assertEquals(1, two.getInteger("version_count"));
            assertNull(two.getString("latest_version"));
        }
    }
}
