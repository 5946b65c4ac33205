package dev.minoro.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * What BlockHound must let r2dbc-postgresql do on a Netty event loop, loaded through
 * {@code META-INF/services} when {@link BlockHoundSession} installs BlockHound.
 *
 * <p>Two steps of connecting read {@code /dev/urandom} through {@code SecureRandom}, a file read that never
 * waits on Linux: the SCRAM client nonce of password authentication, and the seeding of the
 * {@code SSLContext} that the driver builds for every connection that negotiates SSL (libpq's default
 * {@code sslmode=prefer} among them). Those two are allowed; every other blocking call on an event loop
 * still fails the test that makes it.
 *
 * <p>Netty 4.2's adaptive buffer allocator frees a magazine under a {@code StampedLock} write lock, which parks for
 * the moment another event loop holds it: a lock held for a few instructions, not I/O, which Netty's own
 * BlockHound integration does not yet allow (it allows the allocator's thread-local set-up only). Seen once in
 * a concurrent-boot test on a loaded machine; Armeria allows the same call for the same reason.
 */
public final class PostgresBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.netty.handler.ssl.JdkSslClientContext", "newSSLContext");
        builder.allowBlockingCallsInside("io.r2dbc.postgresql.authentication.SASLAuthenticationHandler",
                "handleAuthenticationSASL");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "free");
    }
}
