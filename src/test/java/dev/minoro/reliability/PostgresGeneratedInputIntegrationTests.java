package dev.minoro.reliability;

import dev.minoro.Minoro;
import dev.minoro.testing.PostgresServer;

/** {@link GeneratedInputProperties} on PostgreSQL, in a database of its own on the tests' server. */
final class PostgresGeneratedInputIntegrationTests extends GeneratedInputProperties {

    @Override
    Minoro minoro() {
        return minoro("PostgreSQL", () -> PostgresServer.shared().createDatabase().config());
    }
}
