package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.MigrationReport;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewSession;
import dev.minoro.NewUser;
import dev.minoro.Page;
import dev.minoro.SessionOptions;
import dev.minoro.User;
import dev.minoro.UserQuery;
import dev.minoro.internal.migration.SchemaOneCode;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Schema versions 2 and 3 are additive: code at versions 1 and 2 keeps booting and writing on a database at the
 * newest version (a rolling deploy), a database that schema-1 or schema-2 code migrated and filled upgrades in place
 * with its users intact, and old and new code booting at once on one database all start. For every database.
 */
public interface SchemaUpgradeContract extends MigrationFixture {

    private static MinoroConfig config(DatabaseConfig database) {
        return MinoroConfig.builder().database(database).argon2(64, 1, 1).build();
    }

    private static <T> T withMinoro(DatabaseConfig database, Function<Minoro, T> work) {
        Minoro minoro = Minoro.create(config(database)).block(TIMEOUT);
        try {
            return work.apply(minoro);
        } finally {
            minoro.close().block(TIMEOUT);
        }
    }

    /** A real Argon2id hash of {@link TestConfigs#PASSWORD}, made by this code in a database of its own. */
    private String passwordHash() {
        DatabaseConfig scratch = freshDatabase();
        UUID id = withMinoro(scratch, m -> m.users().create(NewUser.of("hash@example.com", TestConfigs.PASSWORD))
                .block(TIMEOUT).id());
        return RawSql.value(scratch, String.class, "SELECT password_hash FROM minoro_users WHERE id = $1", id);
    }

    @Test
    default void schemaOneCodeKeepsBootingAndWritingOnADatabaseAtSchemaTwo() {
        DatabaseConfig database = freshDatabase();
        Minoro.migrateDatabase(database).block(TIMEOUT);
        assertEquals(new MigrationReport(LATEST, LATEST, List.of()), SchemaOneCode.boot(database),
                "code at version 1 boots: the database declares itself compatible from version 1");
        assertEquals(new MigrationReport(LATEST, LATEST, List.of()), SchemaOneCode.migrate(database));

        // What schema-1 code writes: a user (no column of version 2), a role and a membership.
        UUID id = UUID.randomUUID();
        Instant created = Instant.ofEpochMilli(1_700_000_000_000L);
        RawSql.execute(database, SchemaOneCode.INSERT_USER, id, "Old@Example.com", "old@example.com", "Old Timer",
                passwordHash(), false, created);
        withMinoro(database, m -> {
            User old = m.users().findById(id).block(TIMEOUT);
            assertTrue(old.securityStamp().matches("[0-9a-f]{32}"), "a stamp for a user that old code inserted");
            assertEquals(created, old.passwordChangedAt());
            assertEquals(List.of(old), m.users().search(UserQuery.all().withText("timer")).block(TIMEOUT).items());
            m.authenticate("old@example.com", TestConfigs.PASSWORD).block(TIMEOUT);

            RawSql.execute(database, SchemaOneCode.INSERT_ROLE, UUID.randomUUID(), "Legacy", "legacy", "old",
                    created);
            RawSql.execute(database, SchemaOneCode.ASSIGN, id, "legacy", created);
            User assigned = m.users().findById(id).block(TIMEOUT);
            assertNotEquals(old.securityStamp(), assigned.securityStamp(),
                    "a role change by old code renews the stamp too");
            assertEquals(List.of(assigned), m.roles().membersOf("legacy", null, 10).block(TIMEOUT).items());
            return null;
        });
    }

    /**
     * What schema-1 code changes during a rolling deploy ends sessions as the same change by this code does: its
     * password change, email change and disable each renew the user's stamp, and a password it set counts from
     * then; its profile update that keeps the email, and its enable, end nothing.
     */
    @Test
    default void schemaOneCodesPasswordEmailAndDisableChangesEndTheSessions() {
        DatabaseConfig database = freshDatabase();
        Minoro.migrateDatabase(database).block(TIMEOUT);
        Instant later = Instant.ofEpochMilli(1_900_000_000_000L);
        withMinoro(database, m -> {
            User password = m.users().create(NewUser.of("password@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
            User email = m.users().create(NewUser.of("email@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
            User disabled = m.users().create(NewUser.of("disabled@example.com", TestConfigs.PASSWORD))
                    .block(TIMEOUT);
            User renamed = m.users().create(NewUser.of("renamed@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
            String[] tokens = new String[4];
            List<User> users = List.of(password, email, disabled, renamed);
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = m.sessions().create(users.get(i).id(), SessionOptions.defaults()).block(TIMEOUT).token();
            }

            RawSql.execute(database, SchemaOneCode.SET_PASSWORD, password.id(), passwordHash(), later);
            RawSql.execute(database, SchemaOneCode.UPDATE_PROFILE, email.id(), email.version(), "New@Example.com",
                    "new@example.com", "Email", later);
            RawSql.execute(database, SchemaOneCode.SET_DISABLED, disabled.id(), true, later);
            RawSql.execute(database, SchemaOneCode.SET_DISABLED, disabled.id(), false, later.plusSeconds(1));
            RawSql.execute(database, SchemaOneCode.UPDATE_PROFILE, renamed.id(), renamed.version(),
                    "renamed@example.com", "renamed@example.com", "Renamed", later);

            for (int i = 0; i < 3; i++) {
                assertNull(m.sessions().validate(tokens[i]).block(TIMEOUT),
                        "old code's change of " + users.get(i).email() + " ends its session");
                assertNotEquals(users.get(i).securityStamp(), m.users().findById(users.get(i).id()).block(TIMEOUT)
                        .securityStamp());
            }
            assertEquals(later, m.users().findById(password.id()).block(TIMEOUT).passwordChangedAt(),
                    "a password old code set counts from then");
            assertEquals(email.passwordChangedAt(), m.users().findById(email.id()).block(TIMEOUT)
                    .passwordChangedAt(), "an email change leaves the password's age alone");
            assertEquals(renamed.id(), m.sessions().validate(tokens[3]).block(TIMEOUT).user().id(),
                    "a new display name ends nothing");
            assertEquals(renamed.securityStamp(), m.users().findById(renamed.id()).block(TIMEOUT).securityStamp());
            m.authenticate("password@example.com", TestConfigs.PASSWORD).block(TIMEOUT);
            return null;
        });
    }

    @Test
    default void codeAtEveryOlderSchemaVersionKeepsBootingOnTheNewest() {
        DatabaseConfig database = freshDatabase();
        UUID id = withMinoro(database, m -> {
            User ada = m.users().create(NewUser.of("ada@example.com", TestConfigs.PASSWORD)).block(TIMEOUT);
            m.sessions().create(ada.id(), SessionOptions.defaults()).block(TIMEOUT);
            return ada.id();
        });
        for (int version = 1; version < LATEST; version++) {
            assertEquals(new MigrationReport(LATEST, LATEST, List.of()), SchemaOneCode.boot(database, version),
                    "code at version " + version + " boots: the database is compatible from version 1");
            assertEquals(new MigrationReport(LATEST, LATEST, List.of()), SchemaOneCode.migrate(database, version));
        }
        // What old code writes leaves the sessions table consistent: deleting a user takes its sessions along.
        RawSql.execute(database, "DELETE FROM minoro_users WHERE id = $1", id);
        assertEquals(0L, RawSql.value(database, Long.class, "SELECT COUNT(*) FROM minoro_sessions"));
    }

    @Test
    default void aDatabaseFilledBySchemaTwoCodeUpgradesInPlaceWithItsUsersIntact() {
        DatabaseConfig database = freshDatabase();
        assertEquals(2, SchemaOneCode.migrate(database, 2).toVersion());
        String hash = passwordHash();
        Instant created = Instant.ofEpochMilli(1_700_000_000_000L);
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID());
        for (int i = 0; i < ids.size(); i++) {
            RawSql.execute(database, SchemaOneCode.INSERT_USER, ids.get(i), "User" + i + "@Example.com",
                    "user" + i + "@example.com", "Name " + i, hash, false, created.plusMillis(i));
        }
        List<String> stamps = ids.stream().map(id -> RawSql.value(database, String.class,
                "SELECT security_stamp FROM minoro_users WHERE id = $1", id)).toList();

        MigrationReport upgrade = Minoro.migrateDatabase(database).block(TIMEOUT);
        assertEquals(2, upgrade.fromVersion());
        assertEquals(LATEST, upgrade.toVersion());
        assertEquals(ShippedMigrations.names().subList(2, LATEST),
                upgrade.applied().stream().map(a -> a.name()).toList());

        withMinoro(database, m -> {
            for (int i = 0; i < ids.size(); i++) {
                User user = m.users().findById(ids.get(i)).block(TIMEOUT);
                assertEquals("User" + i + "@Example.com", user.email());
                assertEquals(stamps.get(i), user.securityStamp(), "the upgrade leaves the stamps alone");
            }
            User logged = m.authenticate("user1@example.com", TestConfigs.PASSWORD).block(TIMEOUT);
            NewSession session = m.sessions().create(logged.id(), SessionOptions.defaults()).block(TIMEOUT);
            assertEquals(ids.get(1), m.sessions().validate(session.token()).block(TIMEOUT).user().id());
            return null;
        });
    }

    /**
     * A rolling deploy: on a database that the previous release migrated, new instances (which upgrade it) and
     * instances of code at every older version boot at once; all start, each script is applied once, and the old
     * code applies nothing.
     */
    @Test
    default void oldAndNewCodeBootingAtOnceAllStart() {
        DatabaseConfig database = freshDatabase();
        assertEquals(LATEST - 1, SchemaOneCode.migrate(database, LATEST - 1).toVersion());
        RawSql.execute(database, SchemaOneCode.INSERT_USER, UUID.randomUUID(), "old@example.com", "old@example.com",
                "Old Timer", passwordHash(), false, Instant.ofEpochMilli(1_700_000_000_000L));

        List<Mono<Object>> boots = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            boots.add(Minoro.create(config(database)).map(m -> (Object) m));
            for (int version = 1; version < LATEST; version++) {
                int codeVersion = version;
                boots.add(Mono.fromCallable(() -> (Object) SchemaOneCode.migrate(database, codeVersion))
                        .subscribeOn(Schedulers.boundedElastic()));
            }
        }
        List<Object> started = Flux.merge(boots).collectList().block(TIMEOUT);
        try {
            assertEquals(boots.size(), started.size());
            for (Object boot : started) {
                if (boot instanceof MigrationReport report) {
                    assertEquals(List.of(), report.applied(), "old code applies nothing here: " + report);
                } else {
                    Minoro minoro = (Minoro) boot;
                    assertEquals(1L, minoro.users().count().block(TIMEOUT));
                    User old = minoro.users().findByEmail("old@example.com").block(TIMEOUT);
                    assertEquals(old.id(), minoro.sessions().validate(minoro.sessions().create(old.id(),
                            SessionOptions.defaults()).block(TIMEOUT).token()).block(TIMEOUT).user().id());
                }
            }
            assertEquals((long) LATEST, RawSql.value(database, Long.class, "SELECT COUNT(*) FROM minoro_migrations"));
        } finally {
            Flux.fromIterable(started).ofType(Minoro.class).flatMap(Minoro::close).blockLast(TIMEOUT);
        }
        for (int version = 1; version < LATEST; version++) {
            assertEquals(new MigrationReport(LATEST, LATEST, List.of()), SchemaOneCode.boot(database, version));
        }
    }

    @Test
    default void aDatabaseFilledBySchemaOneCodeUpgradesInPlaceWithItsUsersIntact() {
        DatabaseConfig database = freshDatabase();
        assertEquals(1, SchemaOneCode.migrate(database).toVersion());
        String hash = passwordHash();
        Instant created = Instant.ofEpochMilli(1_700_000_000_000L);
        List<UUID> ids = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        for (int i = 0; i < ids.size(); i++) {
            RawSql.execute(database, SchemaOneCode.INSERT_USER, ids.get(i), "User" + i + "@Example.com",
                    "user" + i + "@example.com", "Name " + i, hash, i == 2, created.plusMillis(i));
        }
        RawSql.execute(database, SchemaOneCode.SET_PASSWORD, ids.get(1), hash, created.plusSeconds(60));
        RawSql.execute(database, SchemaOneCode.INSERT_ROLE, UUID.randomUUID(), "Staff", "staff", "old", created);
        RawSql.execute(database, SchemaOneCode.ASSIGN, ids.get(0), "staff", created);

        MigrationReport upgrade = Minoro.migrateDatabase(database).block(TIMEOUT);
        assertEquals(1, upgrade.fromVersion());
        assertEquals(LATEST, upgrade.toVersion());
        assertEquals(ShippedMigrations.names().subList(1, LATEST),
                upgrade.applied().stream().map(a -> a.name()).toList());

        withMinoro(database, m -> {
            List<User> users = m.users().search(UserQuery.all()).map(Page::items).block(TIMEOUT);
            assertEquals(ids, users.stream().map(User::id).toList(), "every user, in creation order");
            for (int i = 0; i < ids.size(); i++) {
                User user = users.get(i);
                assertEquals("User" + i + "@Example.com", user.email());
                assertEquals("Name " + i, user.displayName());
                assertEquals(i == 2, user.disabled());
                assertEquals(created.plusMillis(i), user.createdAt());
                assertTrue(user.securityStamp().matches("[0-9a-f]{32}"), user.securityStamp());
                assertEquals(user.updatedAt(), user.passwordChangedAt(),
                        "counted from the last update, the latest the password can have been set");
            }
            assertEquals(created.plusSeconds(60), users.get(1).passwordChangedAt());
            assertEquals(ids.size(), users.stream().map(User::securityStamp).collect(Collectors.toSet()).size(),
                    "a stamp of its own for each user");
            assertEquals(ids.get(0), m.authenticate("USER0@example.com", TestConfigs.PASSWORD).block(TIMEOUT).id());
            assertEquals(Set.of(ids.get(0)), m.users().search(UserQuery.all().withRole("STAFF")).block(TIMEOUT)
                    .items().stream().map(User::id).collect(Collectors.toSet()));
            assertEquals(List.of(ids.get(1)), m.users().search(UserQuery.all().withText("NAME 1")).block(TIMEOUT)
                    .items().stream().map(User::id).toList());
            return null;
        });
    }
}
