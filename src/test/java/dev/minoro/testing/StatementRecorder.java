package dev.minoro.testing;

import io.r2dbc.spi.ConnectionFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

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
        return InterceptedConnections.wrap(factory, call -> {
            if (call.method().getName().equals("createStatement")) {
                statements.add((String) call.arguments()[0]);
            } else if (call.method().getName().equals("beginTransaction")) {
                transactions.add("begin");
            }
            return call.proceed();
        });
    }
}
