package dev.minoro;

import dev.minoro.internal.MinoroRuntime;
import java.time.Clock;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A running Minoro: the user accounts, roles and permissions of an application, kept in SQLite or
 * PostgreSQL. Made by {@link #create(MinoroConfig)}; released by {@link #close()}.
 *
 * <pre>{@code
 * Minoro minoro = Minoro.create(MinoroConfig.of(DatabaseConfig.sqlite("file:auth.db"))).block();
 * User alice = minoro.users().create(NewUser.of("alice@example.com", "correct horse battery")).block();
 * minoro.authenticate("alice@example.com", "correct horse battery").block();
 * minoro.close().block();
 * }</pre>
 *
 * <p>Every method returns a cold publisher: nothing happens before subscription, and each subscription
 * does the work again. No method blocks the subscribing thread; blocking work (sqlite-jdbc, password
 * hashing) runs on bounded schedulers that the instance owns and {@link #close()} disposes.
 *
 * <p>A {@code Minoro} is also a Reactor {@link Disposable}, as reactor-pool's {@code Pool} is: {@link #dispose()}
 * subscribes to {@link #close()}, so a container that calls a {@code void} destroy method (Spring's
 * {@code @Bean(destroyMethod = "dispose")}, a {@code Disposable.Composite}) releases the instance's threads,
 * connections and files too.
 */
public interface Minoro extends Disposable {

    /**
     * Connects, brings the schema up to date (unless {@code runMigrations} is false, in which case it
     * only checks it), and emits a ready instance.
     *
     * <p>A cold {@code Mono}: each subscription makes a new, independent instance with its own
     * connections and threads, which the subscriber must {@link #close()}. When the database is up to
     * date, booting costs one statement. If the subscription is cancelled or booting fails, everything
     * opened so far is released.
     *
     * @param config the configuration
     * @return a cold {@code Mono} of the ready instance
     * @throws ConfigurationException     (signalled) for an invalid configuration
     * @throws SchemaNotMigratedException (signalled) when migrations are off and the schema is behind
     * @throws MigrationException         (signalled) when the schema cannot be brought up to date
     * @throws DatabaseException          (signalled) when the database cannot be reached
     */
    static Mono<Minoro> create(MinoroConfig config) {
        return MinoroRuntime.create(config);
    }

    /**
     * {@return the same as {@link #create(MinoroConfig)}, where the configuration comes from
     * {@code setup.setup()}, called once per subscription (for example to fetch secrets first)}
     *
     * @param setup called once per subscription for the configuration
     * @throws ConfigurationException (signalled) when the setup emits no configuration
     */
    static Mono<Minoro> create(MinoroSetup setup) {
        return MinoroRuntime.create(setup);
    }

    /**
     * Brings the schema up to date and closes every connection it opened: the path for deployment
     * scripts and CI, {@code Minoro.migrateDatabase(db).block()}. It migrates whatever
     * {@code database.runMigrations()} says. Safe to run from many processes at once: one applies each
     * script, the others wait for it.
     *
     * @param database the database to migrate or read
     * @return a cold {@code Mono} emitting what was applied
     * @throws MigrationException (signalled) when a script fails (its transaction is rolled back) or the
     *                            schema is newer than this code and incompatible with it
     * @throws DatabaseException  (signalled) when the database cannot be reached
     */
    static Mono<MigrationReport> migrateDatabase(DatabaseConfig database) {
        return MinoroRuntime.migrateDatabase(database);
    }

    /**
     * {@link #migrateDatabase(DatabaseConfig)} on {@code config.database()}, reported as a boot's migration is when
     * {@code config} holds Micrometer registries: the {@code minoro.migrations} timer (by outcome) and the
     * {@code minoro.migrations.applied} counter in its {@code MeterRegistry}, the {@code minoro.migrate}
     * observation in its {@code ObservationRegistry} (the child of the observation in the subscriber's Reactor
     * context, if any). Nothing else of the config is used: no user, no hashing thread.
     *
     * @param config the configuration whose database to migrate and whose registries to report to
     * @return a cold {@code Mono} emitting what was applied
     * @throws ConfigurationException (signalled) when {@code config} is null
     * @throws MigrationException     (signalled) when a script fails (its transaction is rolled back) or the
     *                                schema is newer than this code and incompatible with it
     * @throws DatabaseException      (signalled) when the database cannot be reached
     */
    static Mono<MigrationReport> migrateDatabase(MinoroConfig config) {
        return MinoroRuntime.migrateDatabase(config);
    }

    /**
     * Reads what is applied and what is pending, verifying every stored checksum; never writes, and
     * closes every connection it opened. The deployment check: when it emits a status that is
     * {@link MigrationStatus#upToDate() up to date}, {@link #create(MinoroConfig)} of this code boots on the
     * database without migrating; when it emits one with pending migrations,
     * {@link #migrateDatabase(DatabaseConfig)} applies them; and where neither would work, it fails with the
     * same exception as they do. It reads the whole ledger, so it also fails on a ledger that is not the
     * sequence 1, 2, 3 … or on an older row with another checksum, which a boot's one statement does not see.
     *
     * @param database the database to migrate or read
     * @return a cold {@code Mono} emitting the status
     * @throws ChecksumMismatchException (signalled) when an applied script's checksum differs
     * @throws SchemaTooNewException     (signalled) when a newer Minoro migrated the database to a schema this
     *                                   code may not run on ({@code compatible_from} above this code's version),
     *                                   as booting and migrating fail
     * @throws MigrationException        (signalled) when the ledger has gaps
     * @throws DatabaseException         (signalled) when the database cannot be reached
     */
    static Mono<MigrationStatus> migrationStatus(DatabaseConfig database) {
        return MinoroRuntime.migrationStatus(database);
    }

    /** {@return the user accounts} */
    UserRepository users();

    /** {@return the roles, their members and their permissions} */
    RoleRepository roles();

    /** {@return the login sessions, kept in the same database as the users} */
    SessionRepository sessions();

    /**
     * {@return the clock this instance stamps times and judges lockouts with ({@code MinoroConfig.clock()}), for
     * code that compares with them, such as {@link User#lockedAt(java.time.Instant)}}
     */
    Clock clock();

    /**
     * Verifies a password login.
     *
     * <p>A cold {@code Mono} emitting the user, with {@code lastLoginAt} updated, when the email exists,
     * the password is right, the account is enabled and not locked. A stored hash with weaker parameters
     * than configured, or imported from another system, is replaced by a new one. Hashing runs on Minoro's
     * hashing scheduler, and the result is emitted on that thread or the database driver's.
     *
     * <p>The login first takes its place in the hashing queue (so a full queue refuses it before any
     * database work), then reserves its attempt in the database in one statement, which refuses it when
     * the account is locked or {@code maxFailedLogins} attempts are already counted; only then is the
     * password checked. However many logins arrive at once, an account gets at most
     * {@code maxFailedLogins} checks per lock period. A right password gives its attempt back and lifts
     * only a lock that its own attempt set; an attempt that never finishes (cancelled, or its process
     * killed) stays counted as a failure. When the database fails to take back a right password's attempt,
     * the login fails with that {@link DatabaseException} and the attempt is given back in the background
     * once the database answers again (retried at most 1 s apart, for up to {@code lockoutDuration}).
     * A cancelled login signals nothing.
     *
     * @param email the email, compared case-insensitively
     * @param password the password as typed
     * @return a cold {@code Mono} of the user, with {@code lastLoginAt} updated
     * @throws InvalidCredentialsException (signalled) for an unknown email or a wrong password, with the
     *                                     same message and about the same time in both cases
     * @throws AccountDisabledException    (signalled) when the password is right but the user is disabled
     * @throws PasswordExpiredException    (signalled) when the password is right but older than
     *                                     {@link MinoroConfig#passwordMaxAge()}; no login is recorded
     * @throws AccountLockedException      (signalled) after too many failed logins in a row, until
     *                                     {@link AccountLockedException#lockedUntil()}, without checking the
     *                                     password
     * @throws OverloadedException         (signalled) when the hashing queue is full
     * @throws InvalidInputException       (signalled) for a null argument or an email that is not valid
     *                                     Unicode (a malformed email is answered as an unknown one)
     * @throws MinoroClosedException       (signalled) after {@link #close()}, or when closing cut it short
     */
    Mono<User> authenticate(String email, String password);

    /**
     * The login event stream: one {@link LoginEvent} for each {@link #authenticate(String, String)} call once it has
     * ended, whatever its outcome, with the user id when an account was found, the normalised email, the time and
     * the {@link LoginOutcome}; never the password.
     *
     * <p>A hot {@code Flux}: a subscriber receives the logins that end after it subscribed, and each subscriber
     * receives them all, on a daemon thread of its own named {@code minoro-events-N} (never on the login's own
     * thread, nor on another subscriber's), so it may block. Logins never wait for subscribers: each has a buffer of
     * {@link MinoroConfig#loginEventBufferSize()} events, and when it is full a newer event is dropped for that
     * subscriber and counted in {@link #droppedLoginEvents()}; with no subscriber, events are not kept. It completes
     * when the instance is closed; it never fails.
     *
     * @return the hot {@code Flux} of login events
     */
    Flux<LoginEvent> loginEvents();

    /**
     * {@return how many login events were dropped since the instance started, summed over the subscribers of
     * {@link #loginEvents()} whose buffer was full; also reported as the {@code minoro.login.events.dropped}
     * counter when a meter registry is configured}
     */
    long droppedLoginEvents();

    /**
     * Releases every connection, thread and file handle the instance holds. A cold {@code Mono}, like
     * every other: nothing is released until it is subscribed (a container that ignores the returned
     * {@code Mono} of a destroy method closes nothing; subscribe or {@code block()} it). Idempotent:
     * every subscription completes once the instance is closed. Calls made after closing fail with
     * {@link MinoroClosedException}, and so do calls still in flight that closing cuts short (hashes
     * already queued or running finish first; a call between database statements finds its connection
     * gone); none is left without an answer.
     *
     * @return a cold {@code Mono} that completes when everything is released
     * @see #dispose()
     */
    Mono<Void> close();

    /**
     * Starts {@link #close() closing} the instance and returns at once, without waiting for its threads,
     * connections and files to be released: for a container's {@code void} destroy method. Idempotent, and
     * the same closing as {@link #close()}: calls made afterwards fail with {@link MinoroClosedException}. A
     * failure while closing is logged at WARN, since there is nobody to signal it to; subscribe to
     * {@link #close()} (or {@code block()} it) to wait for the release or to see its errors.
     */
    @Override
    void dispose();

    /** Whether closing has begun, through {@link #close()} or {@link #dispose()}. */
    @Override
    boolean isDisposed();
}
