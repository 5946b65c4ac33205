package dev.minoro.internal.migration;

import dev.minoro.sqlite.internal.EveryError;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * What the ledger's {@code applied_by} column says: the Minoro version and the host and process that
 * applied a migration, such as {@code minoro 0.1.0 on build-7 (pid 4242)}.
 */
final class AppliedBy {

    /** Found once per JVM on the bounded-elastic scheduler: reading the jar and the host name block. */
    private static final Mono<String> VALUE = EveryError.fromCallable(AppliedBy::describe)
            .subscribeOn(Schedulers.boundedElastic())
            .cache();

    private AppliedBy() {
    }

    static Mono<String> get() {
        return VALUE;
    }

    /** The version of Minoro, from a resource the build fills in. */
    static String minoroVersion() {
        try (InputStream in = AppliedBy.class.getResourceAsStream("/dev/minoro/version.txt")) {
            return in == null ? "unknown" : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String describe() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return "minoro " + minoroVersion() + " on " + host + " (pid " + ProcessHandle.current().pid() + ")";
    }
}
