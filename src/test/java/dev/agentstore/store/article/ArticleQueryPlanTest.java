package dev.agentstore.store.article;

import static dev.agentstore.support.QueryPlans.assertIndexWalkWithoutSort;
import static dev.agentstore.support.QueryPlans.migrated;
import static dev.agentstore.support.QueryPlans.plan;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The article lists walk an index in order: no sort (EXPLAIN QUERY PLAN)")
class ArticleQueryPlanTest {
    @Test
    @DisplayName(
            "by url, newest first, searches idx_articles_url_created_at; all articles scan idx_articles_created_at")
    void listsUseIndexes(@TempDir Path dir) throws Exception {
        Path db = migrated(dir.resolve("a.db"));
        assertIndexWalkWithoutSort(
                plan(db, ArticleSql.LIST_BY_URL.byOffset(), "https://a.example", 20, 0),
                "SEARCH articles USING INDEX idx_articles_url_created_at (url=?)");
        assertIndexWalkWithoutSort(
                plan(db, ArticleSql.LIST.byOffset(), 20, 0), "SCAN articles USING INDEX idx_articles_created_at");
    }

    @Test
    @DisplayName("a page after a token seeks the same indexes: the key's time after its rowid, older times, no time")
    void pagesAfterATokenSeek(@TempDir Path dir) throws Exception {
        Path db = migrated(dir.resolve("a.db"));
        String t = "2026-01-01T00:00:00.000Z";
        assertIndexWalkWithoutSort(
                plan(db, ArticleSql.LIST.afterKey(), t, 5L, 20),
                "SEARCH articles USING INDEX idx_articles_created_at (created_at=? AND rowid<?)");
        assertIndexWalkWithoutSort(
                plan(db, ArticleSql.LIST.older(), t, 20),
                "SEARCH articles USING INDEX idx_articles_created_at (created_at<?)");
        assertIndexWalkWithoutSort(
                plan(db, ArticleSql.LIST.nullTime(), 20),
                "SEARCH articles USING INDEX idx_articles_created_at (created_at=?)");
        assertIndexWalkWithoutSort(
                plan(db, ArticleSql.LIST.nullTimeAfter(), 5L, 20),
                "SEARCH articles USING INDEX idx_articles_created_at (created_at=? AND rowid<?)");
        String url = "https://a.example";
        assertIndexWalkWithoutSort(
                plan(db, ArticleSql.LIST_BY_URL.afterKey(), url, t, 5L, 20),
                "SEARCH articles USING INDEX idx_articles_url_created_at (url=? AND created_at=? AND rowid<?)");
        assertIndexWalkWithoutSort(
                plan(db, ArticleSql.LIST_BY_URL.older(), url, t, 20),
                "SEARCH articles USING INDEX idx_articles_url_created_at (url=? AND created_at<?)");
        assertIndexWalkWithoutSort(
                plan(db, ArticleSql.LIST_BY_URL.nullTimeAfter(), url, 5L, 20),
                "SEARCH articles USING INDEX idx_articles_url_created_at (url=? AND created_at=? AND rowid<?)");
    }
}
