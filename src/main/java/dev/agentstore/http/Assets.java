package dev.agentstore.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The static files of /dashboard and /docs: read from this jar once (webjars for the libraries, no CDN, nothing
 * fetched at run time) and sent with a Content-Security-Policy of their page, so that nothing injected into a
 * page could run or send what it holds elsewhere.
 */
final class Assets {
    static final String HTML = "text/html; charset=utf-8";
    static final String JS = "text/javascript; charset=utf-8";
    static final String CSS = "text/css; charset=utf-8";
    static final String PNG = "image/png";

    /** A file as the jar holds it. */
    record Asset(String contentType, byte[] bytes) {}

    private Assets() {}

    /** The folder of a webjar's files, named for the version in its own pom.properties. */
    static String webjar(String group, String artifact) {
        Properties p = new Properties();
        try (InputStream in = open("META-INF/maven/" + group + "/" + artifact + "/pom.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "META-INF/resources/webjars/" + artifact + "/" + p.getProperty("version") + "/";
    }

    static Asset load(String contentType, String resource) {
        try (InputStream in = open(resource)) {
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream open(String resource) {
        InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("the jar lacks " + resource + ", a file the server's pages need");
        }
        return in;
    }

    /**
     * Mounts a page at {@code path} and its files at {@code path/:file}, open, each under {@code csp}; a file it
     * does not have is a 404 that lists those it has.
     */
    static void mount(Api api, String path, Asset page, Map<String, Asset> files, String csp) {
        Api open = api.open();
        open.get(path, Query.NONE, ctx -> send(ctx, page, csp));
        String names = String.join(", ", new TreeSet<>(files.keySet()));
        open.get(path + "/:file", Query.NONE, ctx -> {
            String name = ctx.pathParam("file");
            Asset asset = files.get(name);
            if (asset == null) {
                Problems.send(ctx, 404, "no file " + name + " in " + path + "; it has " + names);
            } else {
                send(ctx, asset, csp);
            }
        });
    }

    static void send(RoutingContext ctx, Asset asset, String csp) {
        HttpServerResponse response = ctx.response();
        response.putHeader("Content-Type", asset.contentType())
                .putHeader("Content-Security-Policy", csp)
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                // a wrap, no copy: each answer gets its own reader index over the same bytes
                .end(Buffer.buffer(asset.bytes()));
    }
}
