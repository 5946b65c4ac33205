package dev.minoro.internal.migration;

import dev.minoro.AppliedMigration;
import dev.minoro.ChecksumMismatchException;
import dev.minoro.MigrationException;
import dev.minoro.MigrationReport;
import dev.minoro.MigrationStatus;
import dev.minoro.MinoroException;
import dev.minoro.PendingMigration;
import dev.minoro.SchemaNotMigratedException;
import dev.minoro.SchemaTooNewException;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.database.MigrationLock;
import dev.minoro.internal.database.StatementSource;
import io.r2dbc.spi.Result;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Brings a database's schema to the version this code ships, as DESIGN.md describes: when the database
 * is up to date, exactly one statement and no lock (the serverless hot path); otherwise, under the
 * database's {@link MigrationLock}, in one transaction: the dialect's schema step, create the ledger and
 * re-read it (most waiters find the work done), verify every stored checksum; then apply each pending script
 * with its ledger row, and log what was applied once it is committed. The lock may have a whole attempt tried
 * again ({@link MigrationLock#retried}). It never names a database: what differs comes from the database's
 * dialect.
 */
public final class Migrator {

    private static final Logger log = LoggerFactory.getLogger(Migrator.class);

    private final Database database;
    private final MigrationScripts scripts;
    private final MigrationLock lock;
    private final Duration lockTimeout;
    private final Clock clock;
    private final MigrationLedger ledger;

    Migrator(Database database, MigrationScripts scripts, MigrationLock lock, Duration lockTimeout, Clock clock) {
        this.database = database;
        this.scripts = scripts;
        this.lock = lock;
        this.lockTimeout = lockTimeout;
        this.clock = clock;
        this.ledger = new MigrationLedger(database.dialect());
    }

    /**
     * A cold {@code Mono} of the migrator for {@code database}, with the scripts and the migration lock of its
     * dialect (the scripts read from the jar once per JVM, off the caller's thread).
     */
    public static Mono<Migrator> forDatabase(Database database, Duration lockTimeout, Clock clock) {
        return MigrationScripts.forFolder(database.dialect().migrationFolder())
                .map(scripts -> new Migrator(database, scripts, database.dialect().migrationLock(), lockTimeout,
                        clock));
    }

    /** The newest schema version this code ships. */
    public int latestVersion() {
        return scripts.latestVersion();
    }

    /**
     * A cold {@code Mono} that emits what was applied once the schema is ready for this code: up to date, or
     * newer and compatible (nothing applied). When it is behind, it migrates if {@code runMigrations}, and
     * otherwise fails with {@link SchemaNotMigratedException}.
     */
    public Mono<MigrationReport> boot(boolean runMigrations) {
        return lock.retried(database, lockTimeout, readHead().flatMap(head -> {
            if (isReady(head)) {
                return Mono.just(new MigrationReport(head.version(), head.version(), List.of()));
            }
            if (!runMigrations) {
                List<Integer> pending = scripts.after(head.version()).stream().map(MigrationScript::version)
                        .collect(Collectors.toList());
                return Mono.error(new SchemaNotMigratedException(database.description(), head.version(), pending));
            }
            return migrateLocked();
        }));
    }

    /** A cold {@code Mono} that brings the schema up to date and reports what it applied. */
    public Mono<MigrationReport> migrate() {
        return lock.retried(database, lockTimeout, readHead().flatMap(head -> isReady(head)
                ? Mono.just(new MigrationReport(head.version(), head.version(), List.of()))
                : migrateLocked()));
    }

    /**
     * A cold {@code Mono} of what is applied and pending, reading only, without the lock. It fails where a boot
     * would ({@link ChecksumMismatchException}, {@link SchemaTooNewException}), and, reading the whole ledger,
     * also where the ledger is not the sequence 1, 2, 3 … or an older row's checksum differs, which a boot's one
     * statement does not see.
     */
    public Mono<MigrationStatus> status() {
        return database.withConnection("reading the migration status of the " + database.description(),
                connection -> ledger.readAll(connection::createStatement)
                        .onErrorResume(database.dialect()::isUndefinedTable, e -> Mono.just(List.of()))
                        .map(applied -> {
                            verify(applied);
                            if (!applied.isEmpty()) {
                                isUpToDate(MigrationLedger.Head.of(applied.get(applied.size() - 1)));
                            }
                            int current = applied.isEmpty() ? 0 : applied.get(applied.size() - 1).version();
                            List<PendingMigration> pending = scripts.after(current).stream()
                                    .map(MigrationScript::asPending).collect(Collectors.toList());
                            return new MigrationStatus(current, scripts.latestVersion(), applied, pending);
                        }));
    }

    /**
     * The fast path's one statement: the ledger's newest row, or version 0 when there is no ledger.
     */
    private Mono<MigrationLedger.Head> readHead() {
        return database.withConnection("checking the schema version of the " + database.description(),
                connection -> ledger.readHead(connection::createStatement)
                        .onErrorResume(database.dialect()::isUndefinedTable, e -> Mono.empty())
                        .defaultIfEmpty(MigrationLedger.Head.NONE));
    }

    /** {@link #isUpToDate}, saying so when this code runs on a newer, compatible schema. */
    private boolean isReady(MigrationLedger.Head head) {
        boolean ready = isUpToDate(head);
        if (ready && head.version() > scripts.latestVersion()) {
            log.info("The {} is at schema version {}, newer than this code's {}; it declares itself compatible"
                    + " from version {}, so Minoro runs.", database.description(), head.version(),
                    scripts.latestVersion(), head.compatibleFrom());
        }
        return ready;
    }

    /**
     * Whether this code runs on the database at {@code head} without migrating: it is at this code's latest
     * version, or newer and compatible; fails when it never can be.
     *
     * @throws ChecksumMismatchException when the head is this code's latest version with another checksum
     * @throws SchemaTooNewException     when the head is newer and not compatible with this code
     */
    private boolean isUpToDate(MigrationLedger.Head head) {
        int latest = scripts.latestVersion();
        if (head.version() == latest) {
            String expected = scripts.get(latest).checksum();
            if (!expected.equals(head.checksum())) {
                throw new ChecksumMismatchException(database.description(), latest, expected,
                        Objects.requireNonNull(head.checksum()));
            }
            return true;
        }
        if (head.version() > latest) {
            if (head.compatibleFrom() > latest) {
                throw new SchemaTooNewException(database.description(), head.version(), latest,
                        head.compatibleFrom());
            }
            return true;
        }
        return false;
    }

    /**
     * The slow path: under the lock, in one transaction, first what reads (the schema step, the ledger created
     * and read), then what writes (the pending scripts and their ledger rows).
     */
    private Mono<MigrationReport> migrateLocked() {
        return AppliedBy.get().flatMap(appliedBy -> lock.<List<AppliedMigration>, MigrationReport>withLock(
                        database, lockTimeout,
                        statements -> database.dialect().prepareSchema(statements)
                                .then(execute(statements, scripts.ledgerDdl()))
                                .then(ledger.readAll(statements)),
                        (statements, applied) -> applyPending(statements, applied, appliedBy)))
                .onErrorMap(e -> !(e instanceof MinoroException),
                        e -> database.dialect().translate(e, "migrating the " + database.description()))
                // once committed: a lock may send the scripts with the commit
                .doOnNext(report -> report.applied().forEach(row -> log.info("Applied migration {} ({}) to the {}"
                        + " in {} ms.", row.version(), row.name(), database.description(), row.duration().toMillis())));
    }

    private Mono<MigrationReport> applyPending(StatementSource statements, List<AppliedMigration> applied,
            String appliedBy) {
        verify(applied);
        int from = applied.isEmpty() ? 0 : applied.get(applied.size() - 1).version();
        if (from >= scripts.latestVersion()) {
            // Another instance finished while this one waited for the lock, or the schema is newer.
            isReady(MigrationLedger.Head.of(applied.get(applied.size() - 1)));
            return Mono.just(new MigrationReport(from, from, List.of()));
        }
        return Flux.fromIterable(scripts.after(from))
                .concatMap(script -> apply(statements, script, appliedBy))
                .collectList()
                .map(done -> new MigrationReport(from, scripts.latestVersion(), done));
    }

    private Mono<AppliedMigration> apply(StatementSource statements, MigrationScript script, String appliedBy) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            return execute(statements, script.sql())
                    .onErrorMap(e -> new MigrationException(script + " failed on the " + database.description()
                            + " and was rolled back: " + e.getMessage(), e))
                    .then(Mono.defer(() -> {
                        Duration took = Duration.ofNanos(System.nanoTime() - started);
                        AppliedMigration row = new AppliedMigration(script.version(), script.name(),
                                script.checksum(), script.compatibleFrom(), Instant.ofEpochMilli(clock.millis()),
                                Duration.ofMillis(took.toMillis()), appliedBy);
                        return ledger.insert(statements, row).thenReturn(row);
                    }));
        });
    }

    /**
     * Checks that the ledger has no gaps and that every migration this code knows has the checksum of
     * the script it ships.
     */
    private void verify(List<AppliedMigration> applied) {
        List<Integer> versions = new ArrayList<>();
        for (int i = 0; i < applied.size(); i++) {
            AppliedMigration row = applied.get(i);
            versions.add(row.version());
            if (row.version() != i + 1) {
                throw new MigrationException("the ledger minoro_migrations of the " + database.description()
                        + " is not a sequence 1, 2, 3 …: it holds versions " + versions
                        + "; it was edited by hand, restore it from a backup");
            }
            if (row.version() <= scripts.latestVersion()) {
                String expected = scripts.get(row.version()).checksum();
                if (!expected.equals(row.checksum())) {
                    throw new ChecksumMismatchException(database.description(), row.version(), expected,
                            row.checksum());
                }
            }
        }
    }

    /** Runs an unbound statement (possibly several, as a script) and drains its results. */
    private static Mono<Void> execute(StatementSource statements, String sql) {
        return Flux.from(statements.createStatement(sql).execute())
                .concatMap(Result::getRowsUpdated)
                .then();
    }
}
