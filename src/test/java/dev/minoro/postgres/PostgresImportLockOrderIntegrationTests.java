package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.minoro.ImportResult;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * Concurrent imports whose users share emails insert them in one order (by normalised email), so that one waiting
 * for an email the other has inserted but not committed holds no email the other will wait for: PostgreSQL's
 * unique index makes an insert wait for an uncommitted row with its key, and two imports that each held a key the
 * other needed deadlocked, and an import is not retried.
 */
@ExtendWith(PostgresServer.class)
final class PostgresImportLockOrderIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void importsSharingEmailsInAnotherOrderDoNotDeadlock(PostgresDatabase db) throws InterruptedException {
        Minoro minoro = Minoro.create(TestConfigs.fast(db.config(), MutableClock.atFixedStart())).block(TIMEOUT);
        Database other = MinoroRuntime.open(db.config()).block(TIMEOUT);
        try {
            // Another import, in email order: b first, c once the import below waits for b.
            Sinks.Empty<Void> first = Sinks.empty();
            Sinks.Empty<Void> second = Sinks.empty();
            // Ids made on the test's thread: UUID.randomUUID() may read /dev/urandom, a blocking call.
            UUID b = UUID.randomUUID();
            UUID c = UUID.randomUUID();
            StepVerifier importing = other.inTransaction("importing elsewhere", t -> insert(t, b, "b@example.com")
                            .then(Mono.fromRunnable(first::tryEmitEmpty))
                            .then(second.asMono())
                            .then(insert(t, c, "c@example.com"))
                            .then())
                    .doOnError(first::tryEmitError)
                    .as(StepVerifier::create).expectComplete().verifyLater();
            first.asMono().block(TIMEOUT);
            // The same emails, the other way round.
            List<ImportResult> results = new java.util.ArrayList<>();
            StepVerifier mine = minoro.users().importAll(Flux.just(NewUser.of("c@example.com", null),
                            NewUser.of("b@example.com", null)))
                    .doOnNext(results::add)
                    .then()
                    .as(StepVerifier::create).expectComplete().verifyLater();
            db.awaitLockWaiters(1, "", TIMEOUT);
            second.tryEmitEmpty();
            importing.verify(TIMEOUT);
            mine.verify(TIMEOUT);
            assertEquals(List.of(ImportResult.Status.DUPLICATE, ImportResult.Status.DUPLICATE),
                    results.stream().map(ImportResult::status).toList());
        } finally {
            other.close().block(TIMEOUT);
            minoro.close().block(TIMEOUT);
        }
    }

    private static Mono<Long> insert(io.r2dbc.spi.Connection c, UUID id, String email) {
        return Flux.defer(() -> c.createStatement("INSERT INTO minoro_users (id, email, email_norm, created_at,"
                                + " updated_at) VALUES ($1, $2, $3, now(), now())")
                        .bind(0, id).bind(1, email).bind(2, email).execute())
                .concatMap(r -> r.getRowsUpdated())
                .reduce(0L, Long::sum);
    }
}
