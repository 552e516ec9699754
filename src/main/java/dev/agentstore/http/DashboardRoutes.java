package dev.agentstore.http;

import dev.agentstore.http.Assets.Asset;
import java.util.Map;

/**
 * {@code GET /dashboard}: the operator's live page, and the four files it loads, all from this jar (uPlot from its
 * webjar): no CDN, nothing fetched at run time. The page and its files are open, as static as any asset; the
 * numbers are not: the page asks for an admin key and sends it to {@code GET /api/stats} only (docs/operations.md).
 * A Content-Security-Policy lets the page run its own scripts and styles and talk to this server alone, so that
 * nothing injected into it could run or send the key elsewhere.
 */
final class DashboardRoutes {
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self';"
            + " connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    static final String HTML = Assets.HTML;
    static final String JS = Assets.JS;
    static final String CSS = Assets.CSS;

    /** Read once, at the first mount, for every HTTP verticle; a file missing from the jar is a build's bug. */
    private static final class Files {
        static final Asset PAGE = Assets.load(HTML, "dashboard/index.html");
        static final Map<String, Asset> ALL = files();

        private static Map<String, Asset> files() {
            String uplot = Assets.webjar("org.webjars.npm", "uplot") + "dist/";
            return Map.of(
                    "dashboard.js", Assets.load(JS, "dashboard/dashboard.js"),
                    "dashboard.css", Assets.load(CSS, "dashboard/dashboard.css"),
                    "uPlot.iife.min.js", Assets.load(JS, uplot + "uPlot.iife.min.js"),
                    "uPlot.min.css", Assets.load(CSS, uplot + "uPlot.min.css"));
        }
    }

    void mount(Api api) {
        Assets.mount(api, "/dashboard", Files.PAGE, Files.ALL, CSP);
    }
}
