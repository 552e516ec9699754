package dev.agentstore.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test: a real file system that fills up. Mounting needs root (CI runs the
 * suite as root); when it cannot mount, the test fails with the reason, it is never skipped.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (mount's syntax: "8m") on the directory {@code dir}, created if needed. */
    public static Tmpfs mount(Path dir, String size) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        if (out != null) {
            throw new AssertionError("this test needs a small file system that fills up, a tmpfs mounted as root"
                    + " (CI runs as root); `mount -t tmpfs -o size=" + size + " tmpfs " + dir + "` failed: " + out);
        }
        return new Tmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Writes {@code file} until the file system is full; returns its size. */
    public long fill(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return written;
    }

    /** Unmounts; lazily if a file is still open, so that a failed test does not leave a mount behind. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (run("umount", dir.toString()) != null) {
            String lazy = run("umount", "-l", dir.toString());
            if (lazy != null) {
                throw new IOException("cannot unmount " + dir + ": " + lazy);
            }
        }
    }

    /** Null when {@code command} exits 0; else its exit status and output. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process p =
                new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "did not end within 30 s";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
