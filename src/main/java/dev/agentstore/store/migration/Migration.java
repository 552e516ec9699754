package dev.agentstore.store.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One schema change: {@code NNNN_name.sql} and its down script {@code NNNN_name.down.sql} in
 * src/main/resources/db/migration, listed in order in index.txt there.
 *
 * @param checksum SHA-256 of the up script, recorded when applied so that a later edit is detected
 * @param downDropsData the down script starts with {@value #DROPS_DATA}
 */
public record Migration(int version, String name, String up, String down, String checksum, boolean downDropsData) {
    /** The first line of a down script that removes rows; going below its version needs --allow-data-loss. */
    public static final String DROPS_DATA = "-- agentstore: drops-data";

    /** A migration from its scripts: the checksum and the data-loss marker are derived from them. */
    public static Migration of(int version, String name, String up, String down) {
        return new Migration(version, name, up, down, sha256(up), down.startsWith(DROPS_DATA));
    }

    public String id() {
        return String.format("%04d_%s", version, name);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
