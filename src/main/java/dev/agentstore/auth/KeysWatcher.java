package dev.agentstore.auth;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * Re-reads the keys file every {@link KeyRegistry#POLL_MS} ms. Deployed as a worker
 * ({@code ThreadingModel.WORKER}): its timer runs on a worker thread, so the read of the file never blocks an
 * event loop. Polling rather than a file system watch: a watch sees neither a Kubernetes secret's symlink swap
 * nor a file on some network file systems, and one small read a second costs nothing.
 */
public final class KeysWatcher extends VerticleBase {
    private final KeyRegistry keys;
    private long timer = -1;

    public KeysWatcher(KeyRegistry keys) {
        this.keys = keys;
    }

    @Override
    public Future<?> start() {
        timer = vertx.setPeriodic(KeyRegistry.POLL_MS, id -> keys.reload());
        return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(timer);
        return Future.succeededFuture();
    }
}
