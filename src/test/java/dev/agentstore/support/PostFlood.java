package dev.agentstore.support;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * A flood of article POSTs, all at once, one connection each, as a process of its own: {@code PostFlood PORT
 * COUNT CONTENT_BYTES}. Prints one line per request, {@code <id> <status> <Retry-After or ->}, or {@code <id>
 * error <what>}. Plain sockets, the whole body written before the answer is read, as simple clients do: the
 * cheapest client there is, so that on a shared machine the flood costs the server's CPU as little as possible.
 */
public final class PostFlood {
    private PostFlood() {}

    /** The java command that runs the flood at the lowest CPU priority, where {@code nice} exists. */
    public static List<String> command(int port, int count, int contentBytes) {
        List<String> cmd = new ArrayList<>();
        for (String nice : List.of("/usr/bin/nice", "/bin/nice")) {
            if (Files.isExecutable(Path.of(nice))) {
                cmd.addAll(List.of(nice, "-n", "19"));
                break;
            }
        }
        cmd.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                PostFlood.class.getName(),
                String.valueOf(port),
                String.valueOf(count),
                String.valueOf(contentBytes)));
        return cmd;
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        int count = Integer.parseInt(args[1]);
        byte[] content = new byte[Integer.parseInt(args[2])];
        Arrays.fill(content, (byte) 'a');
        CountDownLatch done = new CountDownLatch(count);
        for (int i = 0; i < count; i++) {
            String id = "big-" + i;
            Thread t = new Thread(() -> {
                String result;
                try {
                    result = post(port, id, content);
                } catch (IOException | RuntimeException e) {
                    result = "error " + e;
                }
                System.out.println(id + " " + result);
                done.countDown();
            });
            t.start();
        }
        done.await();
    }

    private static String post(int port, String id, byte[] content) throws IOException {
        byte[] head = ("{\"id\":\"" + id + "\",\"url\":\"https://example.org/" + id + "\",\"content\":\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Connection: close\r\nContent-Length: " + (head.length + content.length + tail.length)
                            + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(head);
            out.write(content);
            out.write(tail);
            out.flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            String[] status = line(in).split(" ");
            String retryAfter = "-";
            long length = 0;
            for (String h; !(h = line(in)).isEmpty(); ) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(h.substring(15).trim());
                } else if (lower.startsWith("retry-after:")) {
                    retryAfter = h.substring(12).trim();
                }
            }
            in.skipNBytes(length);
            return status[1] + " " + retryAfter;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c == -1) {
                throw new IOException("the connection closed in the answer's head, after '" + b + "'");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
