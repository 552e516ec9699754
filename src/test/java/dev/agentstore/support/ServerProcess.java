package dev.agentstore.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java dev.agentstore.Main} in a JVM of its own, on this test run's class path, with its output
 * (stdout and stderr merged) collected line by line. The working directory holds no conf/config.yaml,
 * and no AGENTSTORE_ variable of the test's environment leaks in: the process sees only {@code env}.
 */
public final class ServerProcess implements AutoCloseable {
  public static final String READY = "agent-store ready on ";

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final CountDownLatch readyOrEnded = new CountDownLatch(1);
  private volatile boolean ready;

  private ServerProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::read, "server-process-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  public static ServerProcess start(Path workDir, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        // A short-lived JVM on a shared 2-core machine: start fast rather than peak fast.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"),
        "dev.agentstore.Main"));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("AGENTSTORE_"));
    pb.environment().putAll(env);
    return new ServerProcess(pb.start());
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
        if (line.contains(READY)) {
          ready = true;
          readyOrEnded.countDown();
        }
      }
    } catch (IOException e) {
      // destroy() closes the stream under the reader: the output ends here
    } finally {
      readyOrEnded.countDown();
    }
  }

  /** True once the ready line appeared; false if the process ended first or {@code timeout} passed. */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    readyOrEnded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return ready;
  }

  /** Waits for the process to end by itself and returns its exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the process did not end within " + timeout + "; output:\n" + output());
    }
    return process.exitValue();
  }

  /** Sends SIGTERM and returns the exit code. */
  public int stop(Duration timeout) throws InterruptedException {
    process.destroy();
    return awaitExit(timeout);
  }

  public String output() {
    return String.join("\n", lines);
  }

  public long linesContaining(String text) {
    return lines.stream().filter(l -> l.contains(text)).count();
  }

  /** Kills the process if a failed test left it running. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
