package dev.agentstore.store;

/**
 * One schema change: {@code NNNN_name.sql} and its down script {@code NNNN_name.down.sql} in
 * src/main/resources/db/migration, listed in order in index.txt there.
 *
 * @param checksum SHA-256 of the up script, recorded when applied so that a later edit is detected
 * @param downDropsData the down script starts with {@code -- agentstore: drops-data}
 */
public record Migration(int version, String name, String up, String down, String checksum, boolean downDropsData) {
  public String id() {
    return String.format("%04d_%s", version, name);
  }
}
