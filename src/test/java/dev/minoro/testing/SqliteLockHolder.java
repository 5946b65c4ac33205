package dev.minoro.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Another process holding a lock on a SQLite file: the {@code sqlite3} command-line shell, as an operator
 * or a second application would, running SQL such as {@code BEGIN IMMEDIATE} and keeping its transaction
 * open until {@link #release()}. Fails (never skips) when {@code sqlite3} is not installed.
 */
public final class SqliteLockHolder implements AutoCloseable {

    private static final String MARKER = "minoro-lock-held";
    private static final Pattern WAITED = Pattern.compile("waited (\\d+) ms");

    private static final Pattern LOCK_WAIT = Pattern.compile("(\\d+) ms for the lock\\)");

    private final Process process;
    private final PrintWriter input;
    private boolean released;

    private SqliteLockHolder(Process process) {
        this.process = process;
        this.input = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    /**
     * Starts {@code sqlite3 file}, runs {@code sql} (for example {@code BEGIN IMMEDIATE;}) and returns once the
     * shell has run it, so the lock is held.
     */
    public static SqliteLockHolder hold(Path file, String sql) throws IOException, InterruptedException {
        Process process;
        try {
            // -interactive: the shell writes each result as it comes instead of buffering until it ends
            process = new ProcessBuilder("sqlite3", "-interactive", file.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IOException("these tests need the sqlite3 command-line shell on the PATH (Debian: apt-get"
                    + " install sqlite3)", e);
        }
        SqliteLockHolder holder = new SqliteLockHolder(process);
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Void> ready = CompletableFuture.runAsync(() -> {
            try {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    seen.append(line).append('\n');
                    if (line.trim().equals(MARKER)) {
                        return;
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            throw new IllegalStateException("sqlite3 ended before running the SQL");
        });
        // the marker is built by SQL, so that the shell's echo of the input does not match it
        holder.input.println(sql);
        holder.input.println("SELECT 'minoro-lock-' || 'held';");
        try {
            ready.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            holder.close();
            throw new IllegalStateException("sqlite3 did not take the lock with " + sql + ":\n" + seen, e);
        }
        // keep draining the shell's output so that it never blocks on a full pipe
        Thread drain = new Thread(() -> {
            try {
                while (output.readLine() != null) {
                    // nothing to keep
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "sqlite3-output");
        drain.setDaemon(true);
        drain.start();
        return holder;
    }

    /**
     * The time that {@code error}'s message says its call waited ({@code waited N ms}), asserting that it says so
     * and that it is no more than the {@code measuredMillis} the test measured around the call.
     */
    public static long waitedMillis(Throwable error, long measuredMillis) {
        Matcher matcher = WAITED.matcher(String.valueOf(error.getMessage()));
        assertTrue(matcher.find(), "the message states the time waited: " + error.getMessage());
        long waited = Long.parseLong(matcher.group(1));
        assertTrue(waited <= measuredMillis, "says it waited " + waited + " ms, measured " + measuredMillis + " ms: "
                + error.getMessage());
        return waited;
    }

    /**
     * The part of a call's wait that {@code error}'s message says went to SQLite's lock
     * ({@code (7 ms for the writer lane, 296 ms for the lock)}); 0 for a call that timed out waiting for its lane.
     */
    public static long lockWaitMillis(Throwable error) {
        Matcher matcher = LOCK_WAIT.matcher(String.valueOf(error.getMessage()));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    /** {@link #release()} after {@code delay}, on a thread of its own; the caller goes on at once. */
    public void releaseAfter(java.time.Duration delay) {
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
                release();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sqlite3-releaser");
        releaser.setDaemon(true);
        releaser.start();
    }

    /** Ends the shell's transaction (ROLLBACK) and the shell, and waits for it to exit. */
    public synchronized void release() throws InterruptedException {
        if (released) {
            return;
        }
        released = true;
        input.println("ROLLBACK;");
        input.println(".quit");
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            release();
        } finally {
            process.destroyForcibly().waitFor();
        }
    }
}
