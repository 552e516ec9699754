package dev.agentstore.store.article;

final class ArticleSql {
    static final String COLUMNS = "id, url, title, content, created_at";

    /** A known id is an expected outcome, not an error: the update count (0 or 1) tells which. */
    static final String INSERT_OR_IGNORE = """
      INSERT INTO articles (id, url, title, content, created_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO NOTHING""";

    static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM articles WHERE id = ?";

    /** rowid breaks ties between rows created in the same millisecond (a batch), newest first. */
    static final String LIST =
            "SELECT " + COLUMNS + " FROM articles ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?";

    static final String LIST_BY_URL =
            "SELECT " + COLUMNS + " FROM articles WHERE url = ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?";

    private ArticleSql() {}
}
