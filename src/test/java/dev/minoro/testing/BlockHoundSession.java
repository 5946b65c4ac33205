package dev.minoro.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound once for the whole test run, so that a blocking call on a non-blocking thread
 * (Reactor's parallel and single schedulers, Netty's event loops) fails the test that made it.
 *
 * <p>BlockHound knows the JDK's blocking calls; this also marks the native calls of sqlite-jdbc (they
 * block on disk and on SQLite's locks) and Argon2 hashing (tens of milliseconds of CPU and 19 MiB), which
 * must only ever run on Minoro's bounded schedulers. Needs {@code -XX:+AllowRedefinitionToAddDeleteMethods}
 * on JDK 13+, which the build passes to the test JVM.
 */
public final class BlockHoundSession implements LauncherSessionListener {

    private static volatile boolean installed;

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        install();
    }

    /** Installs BlockHound with Minoro's rules, once per JVM; JVMs that tests start call it too. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        // install() also loads the integrations on the classpath, Reactor's among them, which tell
        // BlockHound which threads are non-blocking.
        BlockHound.install(builder -> builder
                .markAsBlocking("org.sqlite.core.NativeDB", "_open_utf8", "([BI)V")
                .markAsBlocking("org.sqlite.core.NativeDB", "_exec_utf8", "([B)I")
                .markAsBlocking("org.sqlite.core.NativeDB", "prepare_utf8", "([B)J")
                .markAsBlocking("org.sqlite.core.NativeDB", "step", "(J)I")
                .markAsBlocking("org.sqlite.core.NativeDB", "_close", "()V")
                .markAsBlocking("org.bouncycastle.crypto.generators.Argon2BytesGenerator", "generateBytes",
                        "([B[BII)I"));
        installed = true;
    }
}
