package dev.agentstore.store;

import io.vertx.core.json.JsonObject;

/**
 * One list the store serves, and the SQL of its pages: by {@code offset} (old clients) and by keyset
 * after the last row of the page before ({@code page_token}, docs/api.md "Pages"). Its order is total,
 * a key and a unique tie-break, so that a keyset page never repeats or skips a row, however many rows
 * are inserted meanwhile: the token holds the last row's key and the next page starts strictly after it.
 *
 * <p>A list's SELECT ends with its key columns (after the columns its mapper reads), so that the page can
 * make a token from the last row. Newest-first lists order by a time and a tie-break, both descending. The
 * page after a key is read by up to three queries, each a seek in the list's index, in the list's order:
 * the rows of the key's time with a smaller tie-break, the rows of an older time, and (where the time may be
 * NULL: articles and alerts of a legacy file, sorted last by SQLite) the rows without a time. One row-value
 * condition {@code (time, tie) < (?, ?)} would be one query, but SQLite seeks its index on the time alone
 * and then walks every row of that time: measured, a page after the middle of 300,000 rows of one time
 * took 30 ms instead of 0 (docs/PERFORMANCE.md), and rows of one time are common (a batch of articles).
 */
public final class Listing {
    final String tag;
    final int filterCount;
    final int keyCount;
    final boolean nullableTime;
    final String byOffset;
    /** Ascending: the rows after the key. Newest first: the rows of the key's time after its tie-break. */
    final String afterKey;
    /** Newest first: the rows older than the key's time; null for an ascending list. */
    final String older;
    /** Newest first with a nullable time: the rows without a time, and those after a tie-break. */
    final String nullTime;

    final String nullTimeAfter;

    private Listing(
            String tag,
            int filterCount,
            int keyCount,
            boolean nullableTime,
            String byOffset,
            String afterKey,
            String older,
            String nullTime,
            String nullTimeAfter) {
        this.tag = tag;
        this.filterCount = filterCount;
        this.keyCount = keyCount;
        this.nullableTime = nullableTime;
        this.byOffset = byOffset;
        this.afterKey = afterKey;
        this.older = older;
        this.nullTime = nullTime;
        this.nullTimeAfter = nullTimeAfter;
    }

    /**
     * A list newest first: {@code select} (columns, then {@code time} and {@code tie} as its last two,
     * FROM its table) with an optional {@code filter} (a WHERE condition with its own parameters, or null),
     * ordered by {@code time DESC, tie DESC}. {@code tag} names the list in its tokens.
     */
    public static Listing newestFirst(
            String tag, String select, String filter, String time, String tie, boolean nullableTime) {
        String order = " ORDER BY " + time + " DESC, " + tie + " DESC";
        return new Listing(
                tag,
                count(filter),
                2,
                nullableTime,
                select + where(filter, null) + order + " LIMIT ? OFFSET ?",
                select + where(filter, time + " = ? AND " + tie + " < ?") + order + " LIMIT ?",
                select + where(filter, time + " < ?") + order + " LIMIT ?",
                nullableTime ? select + where(filter, time + " IS NULL") + order + " LIMIT ?" : null,
                nullableTime
                        ? select + where(filter, time + " IS NULL AND " + tie + " < ?") + order + " LIMIT ?"
                        : null);
    }

    /**
     * A list in ascending order of one unique {@code key}, the last column of {@code select};
     * {@code groupBy} (or null) follows the WHERE, as in the list of agents.
     */
    public static Listing ascending(String tag, String select, String filter, String groupBy, String key) {
        String group = groupBy == null ? "" : " GROUP BY " + groupBy;
        String order = group + " ORDER BY " + key;
        return new Listing(
                tag,
                count(filter),
                1,
                false,
                select + where(filter, null) + order + " LIMIT ? OFFSET ?",
                select + where(filter, key + " > ?") + order + " LIMIT ?",
                null,
                null,
                null);
    }

    /**
     * The page that {@code body} asks of this list whose filter values are {@code filter}: {@code limit}
     * 1..1000 (100), and {@code offset} or {@code page_token}, not both; a token of another list, or of
     * this list with other filter values, is a 400.
     */
    public Page page(JsonObject body, Object... filter) {
        return Page.of(this, body, filter);
    }

    /** The SQL of a page by offset: filter values, then LIMIT and OFFSET (for the query-plan tests). */
    public String byOffset() {
        return byOffset;
    }

    /** Ascending: after the key. Newest first: the key's time after its tie-break (filter values, key, LIMIT). */
    public String afterKey() {
        return afterKey;
    }

    /** Newest first: the times older than the key's (filter values, time, LIMIT); null when ascending. */
    public String older() {
        return older;
    }

    /** Newest first with a nullable time: the rows without one (filter values, LIMIT); else null. */
    public String nullTime() {
        return nullTime;
    }

    /** As {@link #nullTime}, after a tie-break (filter values, tie-break, LIMIT). */
    public String nullTimeAfter() {
        return nullTimeAfter;
    }

    private static int count(String filter) {
        return filter == null ? 0 : (int) filter.chars().filter(c -> c == '?').count();
    }

    private static String where(String filter, String key) {
        if (filter == null) {
            return key == null ? "" : " WHERE " + key;
        }
        return key == null ? " WHERE " + filter : " WHERE " + filter + " AND " + key;
    }
}
