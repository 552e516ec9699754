package dev.agentstore.store;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The page of a list request, the same for every entity: {@code limit} 1..1000 (default 100), and either
 * {@code offset} >= 0 (default 0) or {@code page_token}, the {@code next_page_token} of the page before.
 * A token is opaque to clients: base64url of the list's tag, a mark of its filter values and the last row's key
 * ({@link Listing}). It is not a secret (it names rows the caller has read) and not a capability: a
 * forged one only moves the start of a page the caller may read anyway.
 */
public final class Page {
    private static final int DEFAULT_LIMIT = 100;
    private static final int MAX_LIMIT = 1000;
    private static final int MAX_TOKEN_CHARS = 8192;

    private final Listing listing;
    private final int limit;
    private final int offset;
    /** The key to start after, or null for a page by offset. */
    private final Object[] after;

    private final Object[] filter;

    private Page(Listing listing, int limit, int offset, Object[] after, Object[] filter) {
        this.listing = listing;
        this.limit = limit;
        this.offset = offset;
        this.after = after;
        this.filter = filter;
    }

    static Page of(Listing listing, JsonObject body, Object[] filter) {
        if (filter.length != listing.filterCount) {
            throw new IllegalArgumentException(
                    "list " + listing.tag + " takes " + listing.filterCount + " filter values, got " + filter.length);
        }
        int limit = Fields.intIn(body, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Object token = body.getValue("page_token");
        if (token == null) {
            return new Page(listing, limit, Fields.intIn(body, "offset", 0, 0, Integer.MAX_VALUE), null, filter);
        }
        if (body.getValue("offset") != null) {
            throw Fields.bad("give 'offset' or 'page_token', not both");
        }
        if (!(token instanceof String text)) {
            throw Fields.bad("'page_token' must be a string");
        }
        return new Page(listing, limit, 0, decode(listing, text, filter), filter);
    }

    /** The whole list at once, in the list's order: the history of a workflow read by an old client. */
    public static Page all(Listing listing, Object... filter) {
        return new Page(listing, -1, 0, null, filter);
    }

    /** The rows of this page and the token of the next one (null after the last row). */
    public record Result(JsonArray rows, String next) {}

    public Result rows(Session s, Rows.Mapper mapper) throws SQLException {
        Reader reader = new Reader(mapper);
        if (limit < 0) {
            PreparedStatement ps = s.prepare(listing.byOffset, filter);
            ps.setInt(filter.length + 1, -1);
            ps.setInt(filter.length + 2, 0);
            reader.read(ps);
            return new Result(reader.rows, null);
        }
        if (after == null) {
            PreparedStatement ps = s.prepare(listing.byOffset, filter);
            ps.setInt(filter.length + 1, limit + 1);
            ps.setInt(filter.length + 2, offset);
            reader.read(ps);
        } else if (listing.older == null) {
            reader.read(keyed(s, listing.afterKey, reader, after));
        } else if (after[0] == null) {
            reader.read(keyed(s, listing.nullTimeAfter, reader, after[1]));
        } else {
            // In the list's order: the key's time after its tie-break, older times, no time.
            if (!reader.read(keyed(s, listing.afterKey, reader, after))) {
                if (!reader.read(keyed(s, listing.older, reader, after[0])) && listing.nullTime != null) {
                    reader.read(keyed(s, listing.nullTime, reader));
                }
            }
        }
        return new Result(reader.rows, reader.more ? encode(reader.last) : null);
    }

    /** The reply of a list request: {@code {FIELD: rows, count, limit, offset?, next_page_token}}. */
    public JsonObject list(Session s, String field, Rows.Mapper mapper) throws SQLException {
        return reply(field, rows(s, mapper));
    }

    /** {@code count} = rows in this page; {@code offset} only on a page by offset, as before tokens. */
    public JsonObject reply(String field, Result page) {
        JsonObject reply = new JsonObject()
                .put(field, page.rows())
                .put("count", page.rows().size())
                .put("limit", limit);
        if (after == null) {
            reply.put("offset", offset);
        }
        return reply.put("next_page_token", page.next());
    }

    /** {@code sql} with the filter, then {@code key}, then the rows still wanted (one more than the page). */
    private PreparedStatement keyed(Session s, String sql, Reader reader, Object... key) throws SQLException {
        Object[] params = Arrays.copyOf(filter, filter.length + key.length + 1);
        System.arraycopy(key, 0, params, filter.length, key.length);
        params[params.length - 1] = limit + 1 - reader.rows.size();
        return s.prepare(sql, params);
    }

    /** Reads the rows of a page from one or more queries, and the key of its last row. */
    private final class Reader {
        final Rows.Mapper mapper;
        final JsonArray rows = new JsonArray();
        Object[] last;
        /** A row beyond the page exists: there is a next page. */
        boolean more;

        Reader(Rows.Mapper mapper) {
            this.mapper = mapper;
        }

        /** Adds the query's rows while the page has room; returns {@link #more}. */
        boolean read(PreparedStatement ps) throws SQLException {
            try (ResultSet rs = ps.executeQuery()) {
                int columns = 0;
                while (rs.next()) {
                    if (limit >= 0 && rows.size() == limit) {
                        more = true;
                        return true;
                    }
                    rows.add(mapper.map(rs));
                    if (columns == 0) {
                        columns = rs.getMetaData().getColumnCount();
                    }
                    Object[] key = new Object[listing.keyCount];
                    for (int i = 0; i < key.length; i++) {
                        key[i] = rs.getObject(columns - key.length + 1 + i);
                    }
                    last = key;
                }
                return false;
            }
        }
    }

    private String encode(Object[] key) {
        JsonArray token = new JsonArray().add(listing.tag).add(filterMark(filter));
        for (Object k : key) {
            token.add(keyValue(k));
        }
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(token.encode().getBytes(StandardCharsets.UTF_8));
    }

    /** A key as JSON: text, a whole number, a real number, null, or a blob as {"blob": base64}. */
    private static Object keyValue(Object k) {
        if (k instanceof Integer n) {
            return n.longValue();
        }
        if (k instanceof byte[] b) {
            return new JsonObject().put("blob", Base64.getEncoder().encodeToString(b));
        }
        return k;
    }

    private static Object[] decode(Listing listing, String text, Object[] filter) {
        JsonArray token;
        try {
            if (text.length() > MAX_TOKEN_CHARS) {
                throw new IllegalArgumentException("too long");
            }
            token = new JsonArray(new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | DecodeException e) {
            throw notAToken();
        }
        if (token.size() != 2 + listing.keyCount
                || !(token.getValue(0) instanceof String tag)
                || !(token.getValue(1) instanceof String mark)) {
            throw notAToken();
        }
        if (!tag.equals(listing.tag) || !mark.equals(filterMark(filter))) {
            throw Fields.bad("'page_token' belongs to another list or to this list with other filters; "
                    + "start again without it");
        }
        Object[] key = new Object[listing.keyCount];
        for (int i = 0; i < key.length; i++) {
            key[i] = keyOf(token.getValue(2 + i));
        }
        // Only a newest-first list's time may be NULL; its tie-break, and an ascending list's key, never is.
        if (key[key.length - 1] == null || (key.length == 2 && key[0] == null && !listing.nullableTime)) {
            throw notAToken();
        }
        return key;
    }

    /**
     * What tells the filter values of the token's list from others, without holding them (an article's url
     * may be 8 KiB): the first 9 bytes of their SHA-256, or "" for a list without a filter.
     */
    private static String filterMark(Object[] filter) {
        if (filter.length == 0) {
            return "";
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Object f : filter) {
                sha.update(String.valueOf(f).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha.digest(), 9));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    private static Object keyOf(Object v) {
        if (v == null || v instanceof String || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof JsonObject o && o.size() == 1 && o.getValue("blob") instanceof String b) {
            try {
                return Base64.getDecoder().decode(b);
            } catch (IllegalArgumentException e) {
                throw notAToken();
            }
        }
        throw notAToken();
    }

    private static StoreException notAToken() {
        return Fields.bad("'page_token' is not a token this server gave; use the next_page_token of a page");
    }
}
