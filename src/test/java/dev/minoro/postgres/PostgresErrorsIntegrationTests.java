package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseException;
import dev.minoro.MinoroException;
import dev.minoro.NotFoundException;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.database.Dialect;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresInstance;
import dev.minoro.testing.PostgresServer;
import io.netty.channel.ConnectTimeoutException;
import io.r2dbc.spi.R2dbcBadGrammarException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * How PostgreSQL's failures reach the caller: each a {@link DatabaseException} with the driver's error as
 * its cause and a message that says what Minoro was doing, names host, port, database and user, and never
 * holds the password.
 */
@ExtendWith(PostgresServer.class)
final class PostgresErrorsIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String PASSWORD = "Wr0ng-s3cr3t@:/%#?";

    @Test
    void refusedConnection() throws IOException {
        int port = freePort();
        expectFailure("postgres://alice:" + PostgresInstance.encode(PASSWORD) + "@127.0.0.1:" + port + "/app",
                e -> {
                    assertEquals("connecting failed: connection refused by 127.0.0.1:" + port + " (PostgreSQL database"
                            + " 'app' on 127.0.0.1:" + port + " as user 'alice'); is PostgreSQL running there and"
                            + " listening on TCP at that port?", e.getMessage());
                    // the driver's own SQLSTATE: class 08, connection exception (the server never answered)
                    String state = ((DatabaseException) e).sqlState();
                    assertTrue(state != null && state.startsWith("08"), "SQLSTATE " + state);
                    assertNull(((DatabaseException) e).errorCode());
                });
    }

    @Test
    void unknownHost() {
        expectFailure("postgres://alice:" + PostgresInstance.encode(PASSWORD) + "@no-such-host.invalid/app",
                e -> assertEquals("connecting failed: unknown host 'no-such-host.invalid' (PostgreSQL database 'app'"
                        + " on no-such-host.invalid:5432 as user 'alice'); check the host name in the connection string",
                        e.getMessage()));
    }

    @Test
    void wrongPasswordAndSpecialCharactersInTheRightOne(PostgresDatabase db) {
        PostgresInstance server = db.server();
        String role = "minoro_login_" + ProcessHandle.current().pid();
        String right = "p@ss:w/rd%#?&= é'\"+";
        server.execute("CREATE ROLE " + role + " LOGIN PASSWORD '" + right.replace("'", "''") + "'");
        try {
            expectFailure(server.url(role, PASSWORD, db.name()), e -> assertEquals("connecting failed: password"
                    + " authentication failed for user '" + role + "' on 127.0.0.1:" + server.port() + " (PostgreSQL"
                    + " database '" + db.name() + "' on 127.0.0.1:" + server.port() + " as user '" + role + "'); check"
                    + " the user name and password", e.getMessage()));
            expectFailure(server.url(role, PASSWORD, db.name()), e -> assertCodes("28P01", e));

            Database database = MinoroRuntime.open(DatabaseConfig.postgres(server.url(role, right, db.name()))).block(TIMEOUT);
            try {
                database.withConnection("asking who we are", c -> Flux.from(c.createStatement("SELECT current_user")
                                .execute()).flatMap(r -> r.map((row, m) -> row.get(0, String.class))).single())
                        .as(StepVerifier::create)
                        .expectNext(role)
                        .expectComplete()
                        .verify(TIMEOUT);
            } finally {
                database.close().block(TIMEOUT);
            }
        } finally {
            server.execute("DROP ROLE IF EXISTS " + role);
        }
    }

    @Test
    void missingDatabase(PostgresInstance server) {
        String url = server.url("no_such_database_here");
        expectFailure(url, e -> assertEquals("connecting failed: database 'no_such_database_here' does not exist on"
                + " 127.0.0.1:" + server.port() + " (PostgreSQL database 'no_such_database_here' on 127.0.0.1:"
                + server.port() + " as user '" + server.user() + "'); create it or fix the database in the connection"
                + " string", e.getMessage()));
        expectFailure(url, e -> assertCodes("3D000", e));
    }

    @Test
    void uniqueViolationAndUndefinedTableAreRecognised(PostgresDatabase db) {
        db.execute("CREATE TABLE emails (email text PRIMARY KEY)", "INSERT INTO emails VALUES ('a@example.com')");
        Database database = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            Dialect dialect = database.dialect();
            Throwable duplicate = Mono.usingWhen(database.connections().create(),
                    c -> Flux.from(c.createStatement("INSERT INTO emails VALUES ($1)").bind(0, "a@example.com").execute())
                            .flatMap(r -> r.getRowsUpdated()).then(),
                    c -> c.close())
                    .then(Mono.<Throwable>empty())
                    .onErrorResume(Mono::just)
                    .block(TIMEOUT);
            assertNotNull(duplicate);
            assertTrue(dialect.isUniqueViolation(duplicate));
            assertFalse(dialect.isUndefinedTable(duplicate));
            MinoroException translated = dialect.translate(duplicate, "creating a user");
            assertInstanceOf(DatabaseException.class, translated);
            assertSame(duplicate, translated.getCause());
            assertCodes("23505", translated);
            assertTrue(translated.getMessage().startsWith("creating a user failed: duplicate key value violates unique"
                    + " constraint \"emails_pkey\" (SQLSTATE 23505) (PostgreSQL database '" + db.name() + "'"),
                    translated.getMessage());

            Throwable missing = database.withConnection("reading the ledger", c -> Flux.from(c.createStatement(
                            "SELECT version, checksum, compatible_from FROM minoro_migrations ORDER BY version DESC LIMIT 1")
                            .execute()).flatMap(r -> r.map((row, m) -> 1)).then(Mono.<Throwable>empty()))
                    .onErrorResume(Mono::just)
                    .block(TIMEOUT);
            assertNotNull(missing);
            assertInstanceOf(DatabaseException.class, missing);
            assertTrue(dialect.isUndefinedTable(missing), "translated errors keep their cause: " + missing);
            assertFalse(dialect.isUniqueViolation(missing));
            assertTrue(missing.getMessage().startsWith("reading the ledger failed: relation \"minoro_migrations\" does"
                    + " not exist (SQLSTATE 42P01)"), missing.getMessage());
            assertCodes("42P01", missing);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    @Test
    void translatesWhatIsHardToProvokeAndPassesMinorosOwnThrough(PostgresDatabase db) {
        Database database = MinoroRuntime.open(DatabaseConfig.postgres("postgres://alice:" + PostgresInstance.encode(PASSWORD)
                + "@db.example.com:6543/app?sslmode=require")).block(TIMEOUT);
        try {
            Dialect dialect = database.dialect();
            String where = " (PostgreSQL database 'app' on db.example.com:6543 as user 'alice')";
            assertEquals("booting failed: the TCP connection to db.example.com:6543 timed out" + where
                    + "; check the host, the port and any firewall",
                    dialect.translate(new ConnectTimeoutException("connection timed out"), "booting").getMessage());
            // 26000: the driver prepares an unknown statement again by itself, so this is seen only when that fails
            String advice = ": this connection's prepared statements are not those of the server connection it"
                    + " reached, as happens behind a transaction pooler (PgBouncer in transaction mode, Supabase's port"
                    + " 6543, Neon's -pooler hosts); turn pooler mode on with pgbouncer=true in the connection string"
                    + " or DatabaseConfig.withPoolerMode(true)";
            assertEquals("booting failed: prepared statement \"S_3\" does not exist (SQLSTATE 26000)" + where + advice,
                    dialect.translate(new R2dbcBadGrammarException("prepared statement \"S_3\" does not exist",
                            "26000"), "booting").getMessage());
            assertEquals("booting failed: the server has no connection slot left" + where + ": sorry, too many clients"
                    + " already; lower DatabaseConfig.withPoolSize or use a connection pooler",
                    dialect.translate(new R2dbcNonTransientResourceException("sorry, too many clients already", "53300"),
                            "booting").getMessage());
            assertEquals("migrating failed: a lock was not granted in time (lock_timeout, or NOWAIT)" + where
                    + ": canceling statement due to lock timeout", dialect.translate(
                            new R2dbcTransientResourceException("canceling statement due to lock timeout", "55P03"),
                            "migrating").getMessage());
            // a row lock too, not only a table's
            assertEquals("assigning a role failed: a lock was not granted in time (lock_timeout, or NOWAIT)" + where
                    + ": could not obtain lock on row in relation \"minoro_users\"", dialect.translate(
                            new R2dbcTransientResourceException("could not obtain lock on row in relation"
                                    + " \"minoro_users\"", "55P03"), "assigning a role").getMessage());
            assertTrue(dialect.translate(new R2dbcNonTransientResourceException(
                            "unsupported startup parameter: search_path", "08P01"), "booting").getMessage()
                    .contains("track_extra_parameters = search_path"));
            assertEquals("booting failed: java.lang.IllegalStateException: odd" + where,
                    dialect.translate(new IllegalStateException("odd"), "booting").getMessage());
            NotFoundException own = new NotFoundException("no user 1");
            assertSame(own, dialect.translate(own, "finding a user"));
        } finally {
            database.close().block(TIMEOUT);
        }
        Database pooled = MinoroRuntime.open(DatabaseConfig.postgres("postgres://alice@db.example.com:6543/app?pgbouncer=true"))
                .block(TIMEOUT);
        try {
            // In pooler mode no statement is named: these errors then mean something else, and say only what they are.
            assertEquals("booting failed: prepared statement \"S_0\" already exists (SQLSTATE 42P05) (PostgreSQL"
                    + " database 'app' on db.example.com:6543 as user 'alice')", pooled.dialect().translate(
                            new R2dbcBadGrammarException("prepared statement \"S_0\" already exists", "42P05"),
                            "booting").getMessage());
        } finally {
            pooled.close().block(TIMEOUT);
        }
    }

    /** PostgreSQL's failures carry the server's SQLSTATE, and no numeric code: PostgreSQL has none. */
    private static void assertCodes(String sqlState, Throwable error) {
        DatabaseException e = assertInstanceOf(DatabaseException.class, error);
        assertEquals(sqlState, e.sqlState(), e.getMessage());
        assertNull(e.errorCode());
    }

    private static void expectFailure(String url, Consumer<Throwable> check) {
        Database database = MinoroRuntime.open(DatabaseConfig.postgres(url).withAcquireTimeout(Duration.ofSeconds(30)))
                .block(TIMEOUT);
        try {
            database.withConnection("connecting", c -> Mono.just(1))
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(DatabaseException.class, e);
                        assertNotNull(e.getCause(), "the driver's error is the cause");
                        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
                        assertFalse(e.getMessage().contains(PostgresInstance.encode(PASSWORD)), e.getMessage());
                        check.accept(e);
                    })
                    .verify(TIMEOUT);
        } finally {
            database.close().block(TIMEOUT);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
