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
                plan(db, ArticleSql.LIST_BY_URL, "https://a.example", 20, 0),
                "SEARCH articles USING INDEX idx_articles_url_created_at (url=?)");
        assertIndexWalkWithoutSort(
                plan(db, ArticleSql.LIST, 20, 0), "SCAN articles USING INDEX idx_articles_created_at");
    }
}
