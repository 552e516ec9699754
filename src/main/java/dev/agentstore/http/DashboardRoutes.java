package dev.agentstore.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

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

    static final String HTML = "text/html; charset=utf-8";
    static final String JS = "text/javascript; charset=utf-8";
    static final String CSS = "text/css; charset=utf-8";

    private record Asset(String contentType, byte[] bytes) {}

    /** Read once, at the first mount, for every HTTP verticle; a file missing from the jar is a build's bug. */
    private static final class Assets {
        static final Asset PAGE = asset(HTML, "dashboard/index.html");
        static final Map<String, Asset> FILES = files();

        private static Map<String, Asset> files() {
            String uplot = "META-INF/resources/webjars/uplot/" + webjarVersion("org.webjars.npm", "uplot") + "/dist/";
            return Map.of(
                    "dashboard.js", asset(JS, "dashboard/dashboard.js"),
                    "dashboard.css", asset(CSS, "dashboard/dashboard.css"),
                    "uPlot.iife.min.js", asset(JS, uplot + "uPlot.iife.min.js"),
                    "uPlot.min.css", asset(CSS, uplot + "uPlot.min.css"));
        }

        /** The version in the webjar's own pom.properties: its files live under a folder named for it. */
        private static String webjarVersion(String group, String artifact) {
            Properties p = new Properties();
            try (InputStream in = open("META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p.getProperty("version");
        }

        private static Asset asset(String contentType, String resource) {
            try (InputStream in = open(resource)) {
                return new Asset(contentType, in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static InputStream open(String resource) {
            InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(resource);
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + resource + ", which /dashboard serves");
            }
            return in;
        }
    }

    void mount(Api api) {
        Api open = api.open();
        open.get("/dashboard", Query.NONE, ctx -> send(ctx, Assets.PAGE));
        open.get("/dashboard/:file", Query.NONE, this::file);
    }

    private void file(RoutingContext ctx) {
        String name = ctx.pathParam("file");
        Asset asset = Assets.FILES.get(name);
        if (asset == null) {
            Problems.send(ctx, 404, "no file " + name + " in /dashboard; it has " + String.join(", ", names()));
            return;
        }
        send(ctx, asset);
    }

    private static Iterable<String> names() {
        return Assets.FILES.keySet().stream().sorted().toList();
    }

    private static void send(RoutingContext ctx, Asset asset) {
        HttpServerResponse response = ctx.response();
        response.putHeader("Content-Type", asset.contentType())
                .putHeader("Content-Security-Policy", CSP)
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                // a wrap, no copy: each answer gets its own reader index over the same bytes
                .end(Buffer.buffer(asset.bytes()));
    }
}
