package dev.agentstore.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** agent-store as a separate JVM process, with its output read line by line. */
public final class ServerProcess implements AutoCloseable {
    public final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Thread reader;

    private ServerProcess(Process process) {
        this.process = process;
        reader = new Thread(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code command} in {@code workDir} with {@code env} added; stderr is merged into stdout. */
    public static ServerProcess start(List<String> command, Path workDir, Map<String, String> env) throws IOException {
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AGENTSTORE_"));
        pb.environment().putAll(env);
        return new ServerProcess(pb.start());
    }

    /** The java command running Main from this test's classpath. */
    public static List<String> javaMain(String... args) {
        // A short-lived JVM on a shared 2-core machine: start fast rather than peak fast.
        return java(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"), args);
    }

    /**
     * As {@link #javaMain}, with the garbage collector the shipped launch gets (the JVM's default: G1 on two
     * cores), for tests whose subject is the heap: SerialGC copies every live 1 MB buffer at each young
     * collection, G1 allocates them in old regions of their own.
     */
    public static List<String> javaMainAsShipped(String... args) {
        return java(List.of("-XX:TieredStopAtLevel=1"), args);
    }

    private static List<String> java(List<String> options, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        // The heap and the backstop of the shipped launch (Dockerfile, README): a JVM out of heap exits.
        cmd.addAll(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.agentstore.Main"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits for a line containing {@code text}; fails with everything printed so far if it does not come. */
    public String awaitLine(String text, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null) {
                throw new AssertionError(
                        "no line with '" + text + "' within " + timeoutMs + " ms; output:\n" + output());
            }
            seen.add(line);
            if (line.contains(text)) {
                return line;
            }
        }
    }

    /** Waits for the process to end and returns its exit code. */
    public int awaitExit(long timeoutMs) throws InterruptedException {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not end within " + timeoutMs + " ms; output:\n" + output());
        }
        reader.join(timeoutMs); // the rest of its output, up to end of stream
        return process.exitValue();
    }

    /** How many lines printed so far contain {@code text}. */
    public long linesContaining(String text) {
        output();
        return seen.stream().filter(l -> l.contains(text)).count();
    }

    /** Everything printed so far. */
    public String output() {
        lines.drainTo(seen);
        return String.join("\n", seen);
    }

    /**
     * Sends SIGTERM, as a container runtime or systemd would. Through the ProcessHandle: Process.destroy()
     * would also close the pipes, losing what the process prints while it stops.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
