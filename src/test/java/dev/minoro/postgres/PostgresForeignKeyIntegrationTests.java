package dev.minoro.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.minoro.Minoro;
import dev.minoro.NotFoundException;
import dev.minoro.User;
import dev.minoro.internal.MinoroRuntime;
import dev.minoro.internal.database.Database;
import dev.minoro.testing.MutableClock;
import dev.minoro.testing.PostgresDatabase;
import dev.minoro.testing.PostgresServer;
import dev.minoro.testing.TestConfigs;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * The foreign-key races of the contract suites, made certain on PostgreSQL: a transaction deletes the
 * user or role and stays open; the membership or permission insert reads the row (the delete is not
 * committed), then waits on its foreign-key check for the row lock; the delete commits, and the check
 * fails with SQLSTATE 23503. The caller gets the {@link NotFoundException} the API names.
 */
@ExtendWith(PostgresServer.class)
final class PostgresForeignKeyIntegrationTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private PostgresDatabase db;
    private Minoro minoro;
    private Database other;

    @BeforeEach
    void start(PostgresDatabase db) {
        this.db = db;
        this.minoro = Minoro.create(TestConfigs.fast(db.config(), MutableClock.atFixedStart())).block(TIMEOUT);
        this.other = MinoroRuntime.open(db.config()).block(TIMEOUT);
    }

    @AfterEach
    void close() {
        minoro.close().block(TIMEOUT);
        other.close().block(TIMEOUT);
    }

    @Test
    void aMembershipWhoseUserIsDeletedUnderItIsNotFound() throws InterruptedException {
        User user = minoro.users().create(dev.minoro.NewUser.of("gone@example.com", null)).block(TIMEOUT);
        minoro.roles().create("editor", null).block(TIMEOUT);

        Throwable error = underUncommittedDelete("DELETE FROM minoro_users WHERE id = $1", user.id(),
                m -> m.roles().assign(user.id(), "editor"));

        assertInstanceOf(NotFoundException.class, error);
        assertEquals("there is no user with id " + user.id(), error.getMessage());
    }

    @Test
    void aMembershipWhoseRoleIsDeletedUnderItIsNotFound() throws InterruptedException {
        User user = minoro.users().create(dev.minoro.NewUser.of("member@example.com", null)).block(TIMEOUT);
        minoro.roles().create("editor", null).block(TIMEOUT);

        Throwable error = underUncommittedDelete("DELETE FROM minoro_roles WHERE name_norm = $1", "editor",
                m -> m.roles().assign(user.id(), "editor"));

        assertInstanceOf(NotFoundException.class, error);
        assertEquals("there is no role named 'editor'", error.getMessage());
    }

    @Test
    void aPermissionWhoseRoleIsDeletedUnderItIsNotFound() throws InterruptedException {
        minoro.roles().create("editor", null).block(TIMEOUT);

        Throwable error = underUncommittedDelete("DELETE FROM minoro_roles WHERE name_norm = $1", "editor",
                m -> m.roles().grantPermission("editor", "posts:write"));

        assertInstanceOf(NotFoundException.class, error);
        assertEquals("there is no role named 'editor'", error.getMessage());
    }

    /** What {@code call} fails with when the row it refers to is deleted while it waits for it. */
    private Throwable underUncommittedDelete(String delete, Object key, Function<Minoro, Mono<Void>> call)
            throws InterruptedException {
        Sinks.Empty<Void> deleted = Sinks.empty();
        Sinks.Empty<Void> commit = Sinks.empty();
        StepVerifier deleting = other.inTransaction("deleting under a write", c -> Flux.from(
                                c.createStatement(delete).bind(0, key).execute())
                        .concatMap(result -> result.getRowsUpdated())
                        .then(Mono.fromRunnable(deleted::tryEmitEmpty))
                        .then(commit.asMono()))
                .as(StepVerifier::create).expectComplete().verifyLater();
        deleted.asMono().block(TIMEOUT);
        Throwable[] error = new Throwable[1];
        StepVerifier writing = call.apply(minoro).as(StepVerifier::create)
                .expectErrorSatisfies(e -> error[0] = e)
                .verifyLater();
        db.awaitLockWaiters(1, "", TIMEOUT); // the foreign-key check waits for the deleted row
        commit.tryEmitEmpty();
        deleting.verify(TIMEOUT);
        writing.verify(TIMEOUT);
        return error[0];
    }
}
