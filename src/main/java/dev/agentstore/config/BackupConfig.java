package dev.agentstore.config;

import java.nio.file.Path;

/**
 * Backups (docs/operations.md, "Backups").
 *
 * @param dir where they go: one directory per backup
 * @param intervalS a scheduled backup this often; 0: none
 * @param keep the scheduled backups kept
 */
public record BackupConfig(Path dir, long intervalS, int keep) {}
