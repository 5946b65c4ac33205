package dev.minoro.internal.migration;

import dev.minoro.internal.LoadedOnce;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;

/**
 * What the ledger's {@code applied_by} column says: the Minoro version and the host and process that
 * applied a migration, such as {@code minoro 0.1.0 on build-7 (pid 4242)}.
 */
final class AppliedBy {

    /**
     * Found on the bounded-elastic scheduler (reading the jar and the host name block) until found whole, then kept
     * for the JVM's life ({@link LoadedOnce}).
     */
    private static final Mono<String> VALUE = LoadedOnce.of(AppliedBy::describe);

    private AppliedBy() {
    }

    /**
     * A {@code Mono} of the text. When the version or the host name could not be read, it emits the text with
     * {@code unknown} in their place, and the next call reads them again; an {@link Error} while reading them is
     * signalled, and the next call reads again too.
     */
    static Mono<String> get() {
        return VALUE.onErrorResume(Incomplete.class, e -> Mono.just(e.description));
    }

    /** The version of Minoro, from a resource the build fills in. */
    static String minoroVersion() {
        try {
            return readVersion();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** The version, {@code unknown} when the build did not fill it in; an error when it is there but unreadable. */
    private static String readVersion() throws IOException {
        try (InputStream in = AppliedBy.class.getResourceAsStream("/dev/minoro/version.txt")) {
            return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    /** The text, or {@link Incomplete} with the text as far as it could be read. */
    private static String describe() throws Incomplete {
        boolean whole = true;
        String version;
        try {
            version = readVersion();
        } catch (IOException e) {
            version = "unknown";
            whole = false;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
            whole = false;
        }
        String description = "minoro " + version + " on " + host + " (pid " + ProcessHandle.current().pid() + ")";
        if (!whole) {
            throw new Incomplete(description);
        }
        return description;
    }

    /** A description with a part that could not be read: used for one ledger row, never kept. */
    private static final class Incomplete extends Exception {

        private static final long serialVersionUID = 1L;

        private final String description;

        Incomplete(String description) {
            super(description, null, false, false);
            this.description = description;
        }
    }
}
