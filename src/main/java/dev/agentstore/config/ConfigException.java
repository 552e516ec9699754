package dev.agentstore.config;

/** A configuration that cannot be used. The message names the key, the value and what is allowed. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
