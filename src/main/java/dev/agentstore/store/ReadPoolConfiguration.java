package dev.agentstore.store;

import dev.agentstore.config.DatabaseConfig;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import java.time.Duration;
import java.util.Map;
import org.sqlite.JDBC;

/**
 * The pool keys of a database mapped onto Agroal's configuration (docs/DATABASE.md, "Pool and writer
 * keys"): every read connection gets the store's pragmas and never creates the file.
 */
final class ReadPoolConfiguration {
    /** A connection idle this long is validated (JDBC isValid) before it is handed out again. */
    private static final int IDLE_VALIDATION_S = 30;

    private ReadPoolConfiguration() {}

    static AgroalDataSourceConfigurationSupplier of(DatabaseConfig config) {
        Map<Object, Object> props = Sqlite.existingFileProperties(config.synchronous(), Sqlite.BUSY_TIMEOUT_MS);
        return new AgroalDataSourceConfigurationSupplier()
                .metricsEnabled(true)
                .connectionPoolConfiguration(cp -> cp.initialSize(config.poolSize())
                        .minSize(config.poolSize())
                        .maxSize(config.maxConnections())
                        .acquisitionTimeout(Duration.ofSeconds(config.poolTimeoutS()))
                        .maxLifetime(Duration.ofSeconds(config.poolRecycleS()))
                        .reapTimeout(Duration.ofSeconds(config.idleTimeoutS()))
                        .idleValidationTimeout(Duration.ofSeconds(IDLE_VALIDATION_S))
                        .validationTimeout(Duration.ofSeconds(IDLE_VALIDATION_S))
                        .connectionValidator(ConnectionValidator.defaultValidator())
                        .leakTimeout(Duration.ofSeconds(config.leakThresholdS()))
                        .connectionFactoryConfiguration(cf -> {
                            cf.connectionProviderClass(JDBC.class)
                                    .jdbcUrl(Sqlite.url(config.path()))
                                    .autoCommit(true);
                            props.forEach((k, v) -> cf.jdbcProperty(k.toString(), v.toString()));
                            return cf;
                        }));
    }
}
