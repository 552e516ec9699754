package dev.agentstore.http;

import dev.agentstore.http.Assets.Asset;
import java.util.Map;

/**
 * {@code GET /docs}: interactive API docs, Swagger UI from its webjar on this server's own {@code /openapi.json},
 * as FastAPI's {@code /docs} was for the Python implementation. Open, like the document it draws; "try it out"
 * sends real requests, which pass the same Host, CORS and key checks as any other. The page is ours (the webjar's
 * has an inline script, which the Content-Security-Policy refuses): it loads the bundle and {@code docs.js}.
 */
final class DocsRoutes {
    /** Swagger UI sets style attributes and draws its icons from data: URLs; scripts stay the jar's own. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
            + " img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none';"
            + " form-action 'self'; frame-ancestors 'none'";

    /** Read once, at the first mount; a file missing from the jar is a build's bug. */
    private static final class Files {
        static final Asset PAGE = Assets.load(Assets.HTML, "docs/index.html");
        static final Map<String, Asset> ALL = files();

        private static Map<String, Asset> files() {
            String ui = Assets.webjar("org.webjars", "swagger-ui");
            return Map.of(
                    "docs.js", Assets.load(Assets.JS, "docs/docs.js"),
                    "swagger-ui-bundle.js", Assets.load(Assets.JS, ui + "swagger-ui-bundle.js"),
                    "swagger-ui.css", Assets.load(Assets.CSS, ui + "swagger-ui.css"),
                    "favicon-32x32.png", Assets.load(Assets.PNG, ui + "favicon-32x32.png"));
        }
    }

    void mount(Api api) {
        Assets.mount(api, "/docs", Files.PAGE, Files.ALL, CSP);
    }
}
