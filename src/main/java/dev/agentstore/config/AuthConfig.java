package dev.agentstore.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may call the API.
 *
 * @param keysFile the API keys file, when set (see docs/SECURITY.md); none: no keys, the API is open
 * @param allowAnonymous with no keys file, serve callers on a non-loopback address too
 */
public record AuthConfig(Optional<Path> keysFile, boolean allowAnonymous) {}
