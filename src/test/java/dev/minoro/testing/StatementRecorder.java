package dev.minoro.testing;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Wraps a real connection factory and records the SQL of every statement made on its connections, and
 * every transaction begun: how tests prove what the migrator's fast path runs.
 */
public final class StatementRecorder {

    private final List<String> statements = new CopyOnWriteArrayList<>();
    private final List<String> transactions = new CopyOnWriteArrayList<>();

    /** The SQL of every statement made so far, in order. */
    public List<String> statements() {
        return List.copyOf(statements);
    }

    /** One entry per transaction begun. */
    public List<String> transactions() {
        return List.copyOf(transactions);
    }

    /** {@code factory}, recording into this recorder. */
    public ConnectionFactory wrap(ConnectionFactory factory) {
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return Mono.from(factory.create()).map(StatementRecorder.this::wrap);
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return factory.getMetadata();
            }
        };
    }

    private Connection wrap(Connection connection) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("createStatement")) {
                statements.add((String) args[0]);
            } else if (method.getName().equals("beginTransaction")) {
                transactions.add("begin");
            }
            try {
                return method.invoke(connection, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                handler);
    }
}
