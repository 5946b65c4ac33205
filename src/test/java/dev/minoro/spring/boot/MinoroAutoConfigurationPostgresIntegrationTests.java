package dev.minoro.spring.boot;

import static dev.minoro.spring.boot.MinoroHealthIntegrationTests.health;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.TestConfigs;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The auto-configuration on a real PostgreSQL server (the test suite's): the PostgreSQL properties reach the
 * server, and a health check that gets no answer within {@code management.health.minoro.timeout} reports DOWN.
 */
@ExtendWith(PostgresServer.class)
final class MinoroAutoConfigurationPostgresIntegrationTests {

    private static final Duration TIMEOUT = MinoroAutoConfigurationIntegrationTests.TIMEOUT;

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(MinoroAutoConfiguration.class, MinoroHealthAutoConfiguration.class))
            .withPropertyValues(MinoroAutoConfigurationIntegrationTests.CHEAP_HASHING);

    @Test
    void bootsWithThePostgresPropertiesAndReportsASlowCheckDown(PostgresDatabase db) throws Exception {
        runner.withPropertyValues("minoro.database.url=" + db.url(),
                        "minoro.database.schema=Auth",
                        "minoro.database.pooler-mode=false",
                        "minoro.database.pool.min-size=1",
                        "minoro.database.pool.max-size=3",
                        "minoro.database.pool.acquire-timeout=10s",
                        "minoro.database.pool.max-idle-time=5m",
                        "minoro.database.pool.max-lifetime=1h",
                        "minoro.database.migration-lock-timeout=20s",
                        "management.health.minoro.timeout=1s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    DatabaseConfig database = context.getBean(MinoroConfig.class).database();
                    assertEquals(DatabaseType.POSTGRES, database.type());
                    assertEquals(List.of("Auth", 1, 3, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofHours(1),
                            false, Duration.ofSeconds(20)), List.of(database.schema(), database.poolMinSize(),
                            database.poolMaxSize(), database.acquireTimeout(), database.maxIdleTime(),
                            database.maxLifetime(), database.poolerMode(), database.migrationLockTimeout()));

                    Minoro minoro = context.getBean(Minoro.class);
                    minoro.users().create(NewUser.of("amy@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
                    assertEquals("amy@example.com",
                            minoro.authenticate("amy@example.com", TestConfigs.PASSWORD).block(TIMEOUT).email());
                    assertEquals(List.of("auth"), db.queryStrings("SELECT table_schema FROM information_schema.tables"
                            + " WHERE table_name = 'minoro_users'"));

                    MinoroHealthIndicator indicator = context.getBean(MinoroHealthIndicator.class);
                    Health up = health(indicator);
                    assertEquals(Status.UP, up.getStatus(), up.toString());
                    assertEquals(DatabaseType.POSTGRES, up.getDetails().get("database"));

                    try (Connection holder = DriverManager.getConnection("jdbc:postgresql://" + db.server().host() + ":"
                            + db.server().port() + "/" + db.name(), db.server().user(), db.server().password())) {
                        holder.setAutoCommit(false);
                        try (Statement lock = holder.createStatement()) {
                            lock.execute("LOCK TABLE auth.minoro_migrations IN ACCESS EXCLUSIVE MODE");
                        }
                        Health slow = health(indicator);
                        assertEquals(Status.DOWN, slow.getStatus(), slow.toString());
                        assertEquals(Map.of("error", "no answer within 1000 ms"), slow.getDetails());
                        holder.rollback();
                    }
                    assertEquals(Status.UP, health(indicator).getStatus());
                });
    }
}
