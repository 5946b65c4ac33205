package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.SessionOptions;
import dev.minoro.User;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * {@code sessions().purgeExpired()} on PostgreSQL passes over the sessions another transaction holds instead of
 * waiting for them: two instances purging at once, or a purge and a revocation of a user's sessions (which deletes
 * them in another order), never wait for each other, so they cannot close a deadlock.
 */
@ExtendWith(PostgresServer.class)
final class PostgresSessionPurgeIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Test
    void aPurgePassesOverASessionAnotherTransactionHolds(PostgresDatabase db) {
        MutableClock clock = MutableClock.atFixedStart();
        Minoro minoro = Minoro.create(TestConfigs.fast(db.config(), clock)).block(TIMEOUT);
        Database other = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            User user = minoro.users().create(NewUser.of("purged@example.com", null)).block(TIMEOUT);
            SessionOptions brief = SessionOptions.defaults().withAbsoluteTimeout(Duration.ofMinutes(1));
            Flux.range(0, 3).concatMap(i -> minoro.sessions().create(user.id(), brief)).then().block(TIMEOUT);
            clock.advance(Duration.ofMinutes(2));

            Sinks.Empty<Void> held = Sinks.empty();
            Sinks.Empty<Void> release = Sinks.empty();
            StepVerifier holding = other.inTransaction("holding a session", c -> Flux.from(c.createStatement(
                                    "SELECT id FROM minoro_sessions ORDER BY id LIMIT 1 FOR UPDATE").execute())
                            .concatMap(r -> r.map(row -> row.get(0, UUID.class)))
                            .then(Mono.fromRunnable(held::tryEmitEmpty))
                            .then(release.asMono()))
                    .as(StepVerifier::create).expectComplete().verifyLater();
            held.asMono().block(TIMEOUT);
            try {
                // a purge that waited for the held session, as before, would not end until the release below
                minoro.sessions().purgeExpired().as(StepVerifier::create).expectNext(2L).expectComplete()
                        .verify(TIMEOUT);
            } finally {
                release.tryEmitEmpty();
            }
            holding.verify(TIMEOUT);
            assertEquals(1L, RawSql.value(db.config(), Long.class, "SELECT COUNT(*) FROM minoro_sessions"));
            minoro.sessions().purgeExpired().as(StepVerifier::create).expectNext(1L).expectComplete().verify(TIMEOUT);
        } finally {
            other.close().block(TIMEOUT);
            minoro.close().block(TIMEOUT);
        }
    }
}
