package dev.minoro.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound must let a Vert.x event loop do in dev.minoro.vertx's tests, loaded through
 * {@code META-INF/services} when {@link BlockHoundSession} installs BlockHound.
 *
 * <p>The first server socket of a JVM initializes the JDK's {@code sun.net.NetProperties}, which reads
 * {@code $JAVA_HOME/conf/net.properties} once; a Vert.x server started on an event loop does that there. That class
 * initialization is allowed. Closing a Vert.x instance on its event loop shuts its worker pool down
 * ({@code WorkerPool.close}, {@code ExecutorService.shutdownNow}), whose executor lock can park when contended: Vert.x's
 * own shutdown, allowed too. Every other blocking call on an event loop still fails the test that makes it.
 */
public final class VertxBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("sun.net.NetProperties", "<clinit>");
        builder.allowBlockingCallsInside("io.vertx.core.internal.WorkerPool", "close");
    }
}
