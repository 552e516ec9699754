package dev.agentstore.config;

import java.util.List;
import java.util.Optional;

/**
 * The whole configuration, parsed once and validated. See conf/config.yaml and docs/configuration.md.
 *
 * @param auth who may call the API
 * @param workflow the workflow database (required)
 * @param agentVersions the agent-version database, when configured; otherwise agent versions live in
 *     the workflow database, as they did in the Python implementation
 * @param metricsEnabled {@code metrics.enabled}: a Vert.x built by {@code AgentStore.vertx} has meters, and
 *     {@code GET /metrics} serves them
 * @param backup where backups go, and the schedule
 * @param retention how long rows are kept
 * @param monitorEnabled {@code monitor.enabled}: the keyword monitor runs beside the store
 */
public record AppConfig(
        HttpConfig http,
        AuthConfig auth,
        DatabaseConfig workflow,
        Optional<DatabaseConfig> agentVersions,
        LimitsConfig limits,
        boolean metricsEnabled,
        BackupConfig backup,
        RetentionConfig retention,
        boolean monitorEnabled) {

    public List<DatabaseConfig> databases() {
        return agentVersions.map(av -> List.of(workflow, av)).orElse(List.of(workflow));
    }
}
