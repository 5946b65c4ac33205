package dev.minoro.examples.webflux;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Comparator;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.springframework.test.context.junit.jupiter.SpringExtension;

/**
 * When a test fails because it waited too long (a {@link TimeoutException} in the cause chain, as from
 * {@code WebTestClient}'s response timeout or {@code Mono.block(Duration)}), prints every thread of the JVM, with its
 * whole stack and the locks it holds and waits for, and Minoro's meters (its hashing queue, logins, ...), to standard
 * error, then lets the failure through unchanged: a request that never got an answer then shows where the
 * application's threads were, and whether Minoro still had work queued or running.
 */
final class ThreadDumpOnTimeout implements TestExecutionExceptionHandler {

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (causedByTimeout(failure)) {
            System.err.println(dump("Timed out in " + context.getDisplayName() + "; the threads of the JVM now:"));
            System.err.println(minorosMeters(context));
        }
        throw failure;
    }

    private static boolean causedByTimeout(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Minoro's meters in the test's application, one a line: gauges such as {@code minoro.hashing.queued}. */
    private static String minorosMeters(ExtensionContext context) {
        StringBuilder out = new StringBuilder("Minoro's meters now:\n");
        SpringExtension.getApplicationContext(context).getBeanProvider(MeterRegistry.class).ifAvailable(registry ->
                registry.getMeters().stream()
                        .filter(meter -> meter.getId().getName().startsWith("minoro"))
                        .sorted(Comparator.comparing((Meter meter) -> meter.getId().toString()))
                        .forEach(meter -> out.append(meter.getId()).append(' ').append(meter.measure()).append('\n')));
        return out.toString();
    }

    /** Like {@code jstack}: {@link ThreadInfo#toString()} would cut each stack at 8 frames. */
    static String dump(String title) {
        StringBuilder out = new StringBuilder(title).append('\n');
        for (ThreadInfo thread : ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            out.append('"').append(thread.getThreadName()).append("\" #").append(thread.getThreadId())
                    .append(thread.isDaemon() ? " daemon" : "").append(' ').append(thread.getThreadState());
            if (thread.getLockName() != null) {
                out.append(" on ").append(thread.getLockName());
            }
            if (thread.getLockOwnerName() != null) {
                out.append(" owned by \"").append(thread.getLockOwnerName()).append('"');
            }
            out.append('\n');
            StackTraceElement[] stack = thread.getStackTrace();
            for (int i = 0; i < stack.length; i++) {
                out.append("\tat ").append(stack[i]).append('\n');
                for (MonitorInfo monitor : thread.getLockedMonitors()) {
                    if (monitor.getLockedStackDepth() == i) {
                        out.append("\t- locked ").append(monitor).append('\n');
                    }
                }
            }
            for (LockInfo synchronizer : thread.getLockedSynchronizers()) {
                out.append("\t- holds ").append(synchronizer).append('\n');
            }
            out.append('\n');
        }
        return out.toString();
    }
}
