package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.MigrationReport;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.Page;
import dev.minoro.User;
import dev.minoro.UserQuery;
import dev.minoro.internal.migration.SchemaOneCode;
import dev.minoro.testing.RawSql;
import dev.minoro.testing.TestConfigs;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Schema version 2 is additive: code at version 1 keeps booting and writing on a database at version 2 (a rolling
 * deploy), and a database that schema-1 code migrated and filled upgrades in place with its users intact. For every
 * database.
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
