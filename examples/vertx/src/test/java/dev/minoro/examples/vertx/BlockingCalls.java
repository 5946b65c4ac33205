package dev.minoro.examples.vertx;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * BlockHound for the tests: a blocking call on a Vert.x event loop is recorded (and fails where it was
 * made), so each test can assert that none happened, even one that Vert.x turned into a 500.
 *
 * <p>Besides the JDK's blocking calls, sqlite-jdbc's native calls and Argon2 hashing count as blocking:
 * they are Minoro's real work and must run on its own threads, never on an event loop.
 */
final class BlockingCalls {

    private static final List<String> RECORDED = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private BlockingCalls() {
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        BlockHound.install(builder -> builder
                .nonBlockingThreadPredicate(current -> current.or(
                        thread -> thread.getName().startsWith("vert.x-eventloop-thread-")))
                // Netty's first server socket makes the JDK load net.properties once: not Minoro's doing.
                .allowBlockingCallsInside("sun.nio.ch.ServerSocketChannelImpl", "socket")
                .markAsBlocking("org.sqlite.core.NativeDB", "_open_utf8", "([BI)V")
                .markAsBlocking("org.sqlite.core.NativeDB", "_exec_utf8", "([B)I")
                .markAsBlocking("org.sqlite.core.NativeDB", "prepare_utf8", "([B)J")
                .markAsBlocking("org.sqlite.core.NativeDB", "step", "(J)I")
                .markAsBlocking("org.bouncycastle.crypto.generators.Argon2BytesGenerator", "generateBytes",
                        "([B[BII)I")
                .blockingMethodCallback(method -> {
                    BlockingOperationError error = new BlockingOperationError(method);
                    StringWriter trace = new StringWriter();
                    error.printStackTrace(new PrintWriter(trace));
                    RECORDED.add(method + " on " + Thread.currentThread().getName() + "\n" + trace);
                    throw error;
                }));
        installed = true;
    }

    /** The blocking calls seen on event loops so far, and forgets them. */
    static List<String> drain() {
        List<String> seen = List.copyOf(RECORDED);
        RECORDED.clear();
        return seen;
    }
}
