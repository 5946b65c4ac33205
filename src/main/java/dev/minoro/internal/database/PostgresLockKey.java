package dev.minoro.internal.database;

import org.jspecify.annotations.Nullable;

/**
 * The {@link Database#lockKey()} of a PostgreSQL database: it names the schema that Minoro's tables live in,
 * which is what the migration lock must serialise. Host, port and database are left out on purpose: the
 * same database reached through a pooler and directly, or as {@code localhost} and {@code 127.0.0.1}, must
 * take the same lock, and PostgreSQL's advisory locks are per database already.
 */
public final class PostgresLockKey {

    private static final String SCHEMA_PREFIX = "postgresql schema ";
    private static final String DEFAULT = "postgresql search_path";

    private PostgresLockKey() {
    }

    /**
     * The lock key for Minoro's tables in {@code schema}, created when missing; or, when null, in the
     * connection's default schema (the first of its {@code search_path}).
     */
    public static String of(@Nullable String schema) {
        return schema == null ? DEFAULT : SCHEMA_PREFIX + schema;
    }

    /** The schema that {@code lockKey} names, or null when Minoro's tables go to the default schema. */
    public static @Nullable String schema(String lockKey) {
        if (lockKey.startsWith(SCHEMA_PREFIX)) {
            return lockKey.substring(SCHEMA_PREFIX.length());
        }
        if (!lockKey.equals(DEFAULT)) {
            throw new IllegalArgumentException("not a PostgreSQL lock key: " + lockKey);
        }
        return null;
    }
}
