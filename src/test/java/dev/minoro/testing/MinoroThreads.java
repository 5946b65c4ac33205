package dev.minoro.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The threads Minoro starts, as the lifecycle tests see them: an instance's own (password hashing, named
 * {@code minoro-password-N}), which end when it closes, and the shared ones, the SQLite driver's lane threads
 * ({@code minoro-sqlite-N}) and the login events' delivery threads ({@code minoro-events-N}), which every factory and
 * instance in the JVM shares and which wait, idle, for the next lane or subscriber once theirs has gone.
 */
public final class MinoroThreads {

    private static final Pattern SHARED_THREAD = Pattern.compile("minoro-(sqlite|events)-\\d+");

    private MinoroThreads() {
    }

    /** The names of the live threads whose name starts with {@code minoro-}. */
    public static Set<String> alive() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("minoro-"))
                .collect(Collectors.toSet());
    }

    /**
     * The threads alive now that a test must see released: every lane thread (shared, so one alive before may
     * have run the test's lanes) and every other {@code minoro-} thread not in {@code before} (those alive before
     * belong to earlier tests, such as the libSQL client's idle threads).
     */
    public static Set<String> toRelease(Set<String> before) {
        Set<String> threads = alive();
        threads.removeIf(name -> before.contains(name) && !isSharedThread(name));
        return threads;
    }

    /** Whether {@code name} is the name of one of the SQLite driver's shared lane threads. */
    public static boolean isSharedThread(String name) {
        return SHARED_THREAD.matcher(name).matches();
    }

    /**
     * Waits (up to 5 s) until the threads named {@code started} are released: each ended, or, for a lane thread,
     * alive but idle: a daemon running no Minoro code (no {@code dev.minoro} frame on its stack), waiting for the
     * next lane. A lane thread still running Minoro's code once its factory is closed would be a leak.
     */
    public static void awaitReleased(Set<String> started) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            Map<String, String> held = new TreeMap<>();
            for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
                Thread thread = entry.getKey();
                if (!thread.isAlive() || !started.contains(thread.getName())) {
                    continue;
                }
                if (!isSharedThread(thread.getName())) {
                    held.put(thread.getName(), "alive");
                } else if (!thread.isDaemon()) {
                    held.put(thread.getName(), "not a daemon");
                } else if (runsMinoroCode(entry.getValue())) {
                    held.put(thread.getName(), "runs " + Arrays.toString(entry.getValue()));
                }
            }
            if (held.isEmpty()) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "threads of a closed instance not released: " + held);
            Thread.sleep(10);
        }
    }

    private static boolean runsMinoroCode(StackTraceElement[] stack) {
        return Arrays.stream(stack).anyMatch(frame -> frame.getClassName().startsWith("dev.minoro."));
    }
}
