package dev.agentstore.store;

import dev.agentstore.bus.Actions;
import dev.agentstore.metrics.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code agentstore_bus_request_seconds}: how long the store took to answer a request, from its arrival at the
 * consumer to the reply or the failure, by address, action and outcome. The timers are made once per address and
 * action and then reused: no meter is built per message. An action that is not one of {@link Actions} is counted
 * as {@code other}, so that a sender cannot make label values up.
 */
final class BusTimers {
    private static final Set<String> ACTIONS = Set.of(
            Actions.CREATE,
            Actions.GET,
            Actions.UPDATE,
            Actions.LIST,
            Actions.LIST_HISTORY,
            Actions.CREATE_BATCH,
            Actions.GET_LATEST,
            Actions.LIST_VERSIONS,
            Actions.SET_ACTIVE,
            Actions.HEALTH,
            Actions.STATS,
            Actions.BACKUP,
            Actions.LIST_BACKUPS,
            Actions.GET_BACKUP,
            Actions.RETENTION,
            Actions.RUN_RETENTION);

    /** The timer of an answered request, and of a failed one. */
    record Pair(Timer ok, Timer failed) {}

    private final MeterRegistry registry;
    private final Map<String, Map<String, Pair>> byAddress = new ConcurrentHashMap<>();

    BusTimers(MeterRegistry registry) {
        this.registry = registry;
    }

    Pair of(String address, String action) {
        String known = action != null && ACTIONS.contains(action) ? action : "other";
        return byAddress
                .computeIfAbsent(address, a -> new ConcurrentHashMap<>())
                .computeIfAbsent(known, a -> new Pair(timer(address, a, "ok"), timer(address, a, "failed")));
    }

    private Timer timer(String address, String action, String outcome) {
        return Timer.builder("agentstore.bus.request")
                .description("store requests over the event bus, arrival to reply")
                .tags("address", address, "action", action, "outcome", outcome)
                .serviceLevelObjectives(Metrics.LATENCY_BUCKETS)
                .register(registry);
    }

    void close() {
        byAddress
                .values()
                .forEach(m -> m.values().forEach(p -> {
                    registry.remove(p.ok());
                    registry.remove(p.failed());
                }));
    }
}
