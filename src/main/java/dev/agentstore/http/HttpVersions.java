package dev.agentstore.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.impl.HttpServerConnection;

/**
 * A request line whose version is neither HTTP/1.1 nor HTTP/1.0 ({@code HTTP/2.0}, {@code HTTP/0.9},
 * {@code http/1.1}, {@code XYZ/1.1}): Netty's decoder reads any {@code NAME/MAJOR.MINOR}, and Vert.x then
 * answers a bare {@code 501 Not Implemented}, with that version in its status line, before any handler of
 * ours runs (Http1xServerRequestHandler, when no WebSocket handler is set). Marked here as a request that did
 * not decode, it goes to {@link Problems#invalidRequest} instead: a 400 problem that says why, in HTTP/1.1,
 * and the connection closed.
 *
 * <p>Vert.x has no public hook between the decoder and its own handling, so this is a Netty handler put in
 * front of Vert.x's ({@code "handler"}) through {@link HttpServerConnection}, an implementation type; if a
 * later Vert.x renames either, nothing is installed and the 501 is back, which MalformedUriTest and FuzzTest
 * catch.
 */
@ChannelHandler.Sharable
final class HttpVersions extends ChannelInboundHandlerAdapter {
    private static final String NAME = "agentstore-http-versions";
    private static final String VERTX_HANDLER = "handler";
    private static final HttpVersions INSTANCE = new HttpVersions();

    private HttpVersions() {}

    /** The server's connection handler, before any request of {@code conn} is decoded. */
    static void install(HttpConnection conn) {
        if (conn instanceof HttpServerConnection server) {
            ChannelPipeline pipeline = server.channelHandlerContext().pipeline();
            if (pipeline.get(VERTX_HANDLER) != null && pipeline.get(NAME) == null) {
                pipeline.addBefore(VERTX_HANDLER, NAME, INSTANCE);
            }
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // Vert.x knows the two versions by identity (Http1xServerRequest.version()), and so does this.
        if (msg instanceof HttpRequest request
                && request.protocolVersion() != HttpVersion.HTTP_1_1
                && request.protocolVersion() != HttpVersion.HTTP_1_0) {
            String version = request.protocolVersion().text();
            request.setProtocolVersion(HttpVersion.HTTP_1_1); // the answer's status line
            if (request.decoderResult().isSuccess()) {
                request.setDecoderResult(DecoderResult.failure(new UnsupportedVersion(version)));
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Why the request did not decode, in the words of the 400. */
    static final class UnsupportedVersion extends RuntimeException {
        UnsupportedVersion(String version) {
            super(
                    "the request line must end in HTTP/1.1 or HTTP/1.0 (in upper case)"
                            + (version.equals("HTTP/1.1") || version.equals("HTTP/1.0") ? "" : ", not " + version),
                    null,
                    false,
                    false);
        }
    }
}
