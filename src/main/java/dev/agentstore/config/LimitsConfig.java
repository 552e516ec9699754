package dev.agentstore.config;

/**
 * Input limits, checked before anything is written.
 *
 * @param maxBatchItems most items in one batch create request
 * @param maxFieldBytes largest text field (code, content, data) in UTF-8 bytes
 */
public record LimitsConfig(int maxBatchItems, int maxFieldBytes) {}
