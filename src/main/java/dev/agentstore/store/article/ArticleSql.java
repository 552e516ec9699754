package dev.agentstore.store.article;

import dev.agentstore.store.Listing;

final class ArticleSql {
    static final String COLUMNS = "id, url, title, content, created_at";

    /** A known id is an expected outcome, not an error: the update count (0 or 1) tells which. */
    static final String INSERT_OR_IGNORE = """
      INSERT INTO articles (id, url, title, content, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO NOTHING""";

    static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM articles WHERE id = ?";

    /**
     * rowid breaks ties between rows created in the same millisecond (a batch), newest first. created_at may
     * be NULL in a legacy file (the Python schema lets it).
     */
    private static final String SELECT_LIST = "SELECT " + COLUMNS + ", created_at, rowid FROM articles";

    static final Listing LIST = Listing.newestFirst("articles", SELECT_LIST, null, "created_at", "rowid", true);

    static final Listing LIST_BY_URL =
            Listing.newestFirst("articles", SELECT_LIST, "url = ?", "created_at", "rowid", true);

    private ArticleSql() {}
}
