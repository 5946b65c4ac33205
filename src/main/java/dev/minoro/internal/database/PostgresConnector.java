package dev.minoro.internal.database;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.client.SSLMode;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.ReactorNetty;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpResources;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Makes one PostgreSQL connection the way libpq does, over r2dbc-postgresql: {@code sslmode=prefer} and
 * {@code allow} fall back to the other kind of connection only where libpq does (the server has no SSL, the SSL
 * handshake failed, or {@code pg_hba.conf} refused that kind of connection), never after a wrong password, which
 * the driver's own fallback would try twice; and {@code connect_timeout} bounds the whole set-up (TCP, SSL,
 * start-up, authentication, fallback included), closing the socket of an attempt it gives up on.
 *
 * <p>The driver does not close a socket whose set-up is cancelled. Each connection attempt therefore puts a
 * marker in its Reactor context, which reactor-netty copies onto the channel; {@link #LOOPS}, the driver's loop
 * resources, gives each channel it makes a handler that hands the channel to the attempt's marker when it
 * connects, and the attempt closes it unless the connection was handed over.
 */
final class PostgresConnector implements ConnectionFactory {

    /**
     * reactor-netty's global loops, as the driver uses by default, with each channel tied to its attempt. One
     * per JVM; never disposed here, since the loops are reactor-netty's own.
     */
    static final LoopResources LOOPS = new AttemptLoops();

    private final ConnectionFactoryMetadata metadata;
    /** The driver's connects, made once: the driver's {@code create()} is cold and may be subscribed again. */
    private final Mono<Connection> first;
    private final @Nullable Mono<Connection> fallback;
    private final SSLMode sslMode;
    private final @Nullable Duration connectTimeout;

    /** The attempts under way, which {@link #close()} gives up: the pool does not cancel them when it closes. */
    private final Set<Attempt> inFlight = ConcurrentHashMap.newKeySet();

    /** Set once a server answered {@code sslmode=prefer}'s SSL request with "no": later connections go plain. */
    private volatile boolean serverHasNoSsl;

    private volatile boolean closed;

    /**
     * @param configurations the driver's configuration for a given SSL mode; called here, on the opening thread,
     *                       since making one reads certificate files
     * @param sslMode        libpq's SSL mode; {@code allow} and {@code prefer} take two configurations
     * @param connectTimeout the bound of one connection's whole set-up, or null for none of its own (then the
     *                       pool's acquire timeout bounds what a caller waits)
     */
    PostgresConnector(Function<SSLMode, PostgresqlConnectionFactory> configurations, SSLMode sslMode,
            @Nullable Duration connectTimeout) {
        this.sslMode = sslMode;
        this.connectTimeout = connectTimeout;
        PostgresqlConnectionFactory firstFactory;
        PostgresqlConnectionFactory fallbackFactory;
        switch (sslMode) {
            case PREFER:
                // SSL first, without checking the certificate, as prefer does; plain where libpq would retry.
                firstFactory = configurations.apply(SSLMode.REQUIRE);
                fallbackFactory = configurations.apply(SSLMode.DISABLE);
                break;
            case ALLOW:
                firstFactory = configurations.apply(SSLMode.DISABLE);
                fallbackFactory = configurations.apply(SSLMode.REQUIRE);
                break;
            default:
                firstFactory = configurations.apply(sslMode);
                fallbackFactory = null;
                break;
        }
        this.metadata = firstFactory.getMetadata();
        // Made here, on the thread that opens the database: the first use of reactor-netty's loops loads the
        // native transport and reads files, which a connection attempt's non-blocking thread must not do.
        LOOPS.onClient(LoopResources.DEFAULT_NATIVE);
        this.first = Mono.from(firstFactory.create());
        this.fallback = fallbackFactory == null ? null : Mono.from(fallbackFactory.create());
    }

    /**
     * A cold {@code Mono} of one new connection: one attempt, or two where the SSL mode falls back. Fails with
     * {@link SetupTimeoutException} when the connect timeout elapses first.
     */
    @Override
    public Mono<Connection> create() {
        Mono<Connection> connect = Mono.defer(() -> {
            Mono<Connection> plain = fallback;
            if (plain == null) {
                return attempt(first);
            }
            if (serverHasNoSsl && sslMode == SSLMode.PREFER) {
                return attempt(plain);
            }
            return attempt(first).onErrorResume(this::fallsBack, e -> attempt(plain));
        });
        Duration timeout = connectTimeout;
        if (timeout == null) {
            return connect;
        }
        return connect.timeout(timeout, Mono.error(() -> new SetupTimeoutException(timeout)))
                // A connection that arrives as the timeout fires is dropped by it: close it.
                .doOnDiscard(Connection.class, c -> Mono.from(c.close()).subscribe());
    }

    /** Whether libpq would try the other kind of connection after {@code error}. */
    private boolean fallsBack(Throwable error) {
        if (Causes.find(error, SSLException.class) != null) {
            // prefer: the handshake failed; libpq tries without SSL
            return sslMode == SSLMode.PREFER;
        }
        R2dbcException r2dbc = Causes.find(error, R2dbcException.class);
        String state = r2dbc == null ? null : r2dbc.getSqlState();
        String message = r2dbc == null ? "" : String.valueOf(r2dbc.getMessage());
        if (sslMode == SSLMode.PREFER) {
            if (message.startsWith("Server support for SSL connection is disabled")) {
                serverHasNoSsl = true;
                return true;
            }
            // pg_hba.conf refused an SSL connection ("no pg_hba.conf entry ..., SSL encryption"); a wrong
            // password (28P01) is wrong either way.
            return PostgresErrorTranslator.INVALID_AUTHORIZATION.equals(state) && message.contains("SSL encryption");
        }
        // allow: pg_hba.conf refused a plain connection ("..., no encryption")
        return PostgresErrorTranslator.INVALID_AUTHORIZATION.equals(state) && message.contains("no encryption");
    }

    private Mono<Connection> attempt(Mono<Connection> connect) {
        return Mono.defer(() -> {
            Attempt attempt = new Attempt();
            inFlight.add(attempt);
            if (closed) {
                inFlight.remove(attempt);
                return Mono.error(new R2dbcNonTransientResourceException("the connection pool is closed"));
            }
            return connect
                    .doOnNext(connection -> attempt.handOver())
                    .doOnError(e -> attempt.abandon())
                    .doOnCancel(attempt::abandon)
                    .doFinally(signal -> inFlight.remove(attempt))
                    .contextWrite(Context.of(Attempt.class, attempt));
        });
    }

    /**
     * Gives up every connection attempt under way, closing its socket, and refuses new ones: for after the pool
     * is disposed, whose own closing leaves an attempt that waits for a silent server waiting for ever.
     */
    Mono<Void> close() {
        return Mono.fromRunnable(() -> {
            closed = true;
            inFlight.forEach(Attempt::abandon);
        });
    }

    @Override
    public ConnectionFactoryMetadata getMetadata() {
        return metadata;
    }

    /**
     * Setting up a connection took longer than {@code connect_timeout}. Its message holds no address: the
     * exception factory words the one the caller sees.
     */
    static final class SetupTimeoutException extends R2dbcTimeoutException {

        private static final long serialVersionUID = 1L;

        private final transient Duration timeout;

        SetupTimeoutException(Duration timeout) {
            super("setting up a connection took longer than the connect timeout of " + timeout.toMillis() + " ms");
            this.timeout = timeout;
        }

        Duration timeout() {
            return timeout;
        }
    }

    /**
     * One connection attempt's channel: closed when the attempt fails, is cancelled or is given up before it
     * handed its connection over. Channels are closed outside the lock: closing runs the driver's handlers.
     */
    private static final class Attempt {

        private @Nullable Channel channel;
        private boolean over;

        void adopt(Channel connecting) {
            boolean abandoned;
            synchronized (this) {
                abandoned = over;
                channel = connecting;
            }
            if (abandoned) {
                connecting.close();
            }
        }

        synchronized void handOver() {
            over = true;
            channel = null;
        }

        void abandon() {
            Channel open;
            synchronized (this) {
                if (over) {
                    return;
                }
                over = true;
                open = channel;
            }
            if (open != null) {
                open.close();
            }
        }
    }

    /** Hands a channel, when it connects, to the attempt whose Reactor context reactor-netty copied onto it. */
    private static final class AttemptBinding extends ChannelOutboundHandlerAdapter {

        @Override
        public void connect(ChannelHandlerContext ctx, SocketAddress remote, @Nullable SocketAddress local,
                ChannelPromise promise) throws Exception {
            ContextView context = ReactorNetty.getChannelContext(ctx.channel());
            if (context != null) {
                context.<Attempt>getOrEmpty(Attempt.class).ifPresent(a -> a.adopt(ctx.channel()));
            }
            super.connect(ctx, remote, local, promise);
            ctx.pipeline().remove(this);
        }
    }

    /** reactor-netty's global TCP loops, with an {@link AttemptBinding} on every channel they make. */
    private static final class AttemptLoops implements LoopResources {

        @Override
        public <C extends Channel> C onChannel(Class<C> channelType, EventLoopGroup group) {
            C channel = TcpResources.get().onChannel(channelType, group);
            channel.pipeline().addFirst(new AttemptBinding());
            return channel;
        }

        @Override
        public <C extends Channel> Class<? extends C> onChannelClass(Class<C> channelType, EventLoopGroup group) {
            return TcpResources.get().onChannelClass(channelType, group);
        }

        @Override
        public EventLoopGroup onClient(boolean useNative) {
            return TcpResources.get().onClient(useNative);
        }

        @Override
        public EventLoopGroup onServer(boolean useNative) {
            return TcpResources.get().onServer(useNative);
        }

        @Override
        public EventLoopGroup onServerSelect(boolean useNative) {
            return TcpResources.get().onServerSelect(useNative);
        }

        @Override
        public boolean daemon() {
            return TcpResources.get().daemon();
        }

        @Override
        public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
            // reactor-netty's global loops outlive every pool that uses them
            return Mono.empty();
        }
    }
}
