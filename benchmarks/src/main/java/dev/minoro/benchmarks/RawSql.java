package dev.minoro.benchmarks;

import dev.minoro.benchmarks.process.programs.FloorProgram;
import io.r2dbc.spi.Readable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The statements Minoro runs for the measured operations, word for word, so that each raw baseline runs the
 * same SQL as Minoro: copied from the library's {@code internal.repository.Sql}, {@code Rows}, {@code UserSearch}
 * and {@code internal.migration.MigrationLedger} (internal classes the benchmarks cannot reach). Written with
 * PostgreSQL's {@code $n} placeholders; {@link #sqlite} rewrites them as Minoro's SQLite dialect does. When the
 * library's statements change, change these: {@link SameSql} compares the text of those the repository benchmarks
 * measure (all but {@link #SEARCH_BY_EMAIL_PREFIX}) with what Minoro runs before a raw trial starts.
 */
final class RawSql {

    /** The boot's one statement on an up-to-date database. */
    static final String LEDGER_HEAD = FloorProgram.LEDGER_HEAD;

    static final String USER_COLUMNS = "u.id, u.email, u.display_name, u.disabled, u.created_at, u.updated_at,"
            + " u.last_login_at, u.locked_until, u.version, u.security_stamp, u.password_changed_at";

    static final String USER_BY_EMAIL = "SELECT " + USER_COLUMNS + " FROM minoro_users u WHERE u.email_norm = $1";

    /**
     * The first page of a search by email prefix and nothing else ({@code UserSearch.pageSql}): the range of
     * {@code email_norm} from the prefix ({@code $1}) to its successor ({@code $2}, see {@link #prefixEnd}), in
     * creation order, one row more than the page ({@code $3}).
     */
    static final String SEARCH_BY_EMAIL_PREFIX = "SELECT " + USER_COLUMNS + " FROM minoro_users u"
            + " WHERE u.email_norm >= $1 AND u.email_norm < $2 ORDER BY u.created_at, u.id LIMIT $3";

    /**
     * {@code roles().hasPermission}'s one query ({@code Sql.hasAnyPermission}): whether user {@code $1} holds one of
     * the permissions that grant the one asked for; for a permission without a {@code :}, as the seeded ones are,
     * itself ({@code $2}) and {@link #ALL_PERMISSIONS} ({@code $3}).
     */
    static final String HAS_PERMISSION = "SELECT p.permission FROM minoro_role_permissions p"
            + " JOIN minoro_user_roles ur ON ur.role_id = p.role_id"
            + " WHERE ur.user_id = $1 AND p.permission IN ($2, $3) LIMIT 1";

    /** The wildcard permission, which grants every permission. */
    static final String ALL_PERMISSIONS = "*";

    static final String PERMISSIONS_OF = "SELECT DISTINCT p.permission FROM minoro_role_permissions p"
            + " JOIN minoro_user_roles ur ON ur.role_id = p.role_id WHERE ur.user_id = $1"
            + " ORDER BY p.permission";

    /** The columns a statement that writes a user returns ({@code Rows.USER_RETURNING}). */
    static final String USER_RETURNING = USER_COLUMNS.replace("u.", "");

    /**
     * {@code sessions().validate}'s one query: the session by its token's SHA-256 ({@code $1}), live at {@code $2},
     * with its user, as Minoro's {@code Sql.liveSessionByTokenHash} (the user's columns as {@code Rows.USER_COLUMNS}
     * has them today).
     */
    static final String VALIDATE_SESSION = "SELECT s.id AS session_id,"
            + " s.created_at AS session_created_at, s.last_seen_at, s.idle_timeout_ms, s.absolute_expires_at,"
            + " s.expires_at, s.metadata, " + USER_COLUMNS
            + " FROM minoro_sessions s JOIN minoro_users u ON u.id = s.user_id"
            + " WHERE (s.expires_at IS NULL OR s.expires_at > $2) AND NOT u.disabled"
            + " AND u.security_stamp = s.security_stamp AND s.token_hash = $1 AND s.kind = 'minoro'";

    /**
     * The statements whose text differs between the databases ({@code users().create}'s insert and
     * {@code roles().assign}'s), each as Minoro's dialect for the database writes it: its security-stamp expression
     * and its row locks. Placeholders are PostgreSQL's {@code $n}; {@link #sqlite} rewrites them for SQLite.
     */
    enum Flavour {
        POSTGRES("md5(gen_random_uuid()::text || clock_timestamp()::text)", " FOR KEY SHARE OF minoro_roles",
                " FOR NO KEY UPDATE OF minoro_users"),
        SQLITE("lower(hex(randomblob(16)))", "", "");

        private final String newSecurityStamp;
        private final String lockRole;
        private final String lockUser;

        Flavour(String newSecurityStamp, String lockRole, String lockUser) {
            this.newSecurityStamp = newSecurityStamp;
            this.lockRole = lockRole;
            this.lockUser = lockUser;
        }

        /** {@code portable}, written with {@code $n} placeholders, as this database's dialect writes it. */
        String sql(String portable) {
            return this == SQLITE ? sqlite(portable) : portable;
        }

        /**
         * {@code users().create}'s one statement ({@code Sql.insertUser}): the user ({@code $1} id, {@code $2}
         * email, {@code $3} its normalised form, {@code $4} display name, {@code $5} stored hash, {@code $6}
         * disabled, {@code $7} now, {@code $8} the display name's normalised form) with a new security stamp,
         * returning its row.
         */
        String insertUser() {
            return "INSERT INTO minoro_users (id, email, email_norm, display_name, password_hash,"
                    + " disabled, failed_attempts, created_at, updated_at, version, display_name_norm, security_stamp,"
                    + " password_changed_at)"
                    + " VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, 0, $8, " + newSecurityStamp + ","
                    + " CASE WHEN $5 IS NULL THEN NULL ELSE $7 END) RETURNING " + USER_RETURNING;
        }

        /**
         * {@code roles().assign}'s one statement when the user and the role exist ({@code Sql.assign}): the role's
         * row ({@code $2}, its normalised name) and then the user's ({@code $1}) locked, the membership inserted at
         * {@code $3} unless it is there already.
         */
        String assign() {
            return "WITH role AS (SELECT id FROM minoro_roles WHERE name_norm = $2" + lockRole + "),"
                    + " locked AS (SELECT id FROM minoro_users WHERE id = $1 AND EXISTS (SELECT 1 FROM role)"
                    + lockUser + ")"
                    + " INSERT INTO minoro_user_roles (user_id, role_id, assigned_at)"
                    + " SELECT locked.id, role.id, $3 FROM locked, role WHERE true"
                    + " ON CONFLICT (user_id, role_id) DO NOTHING";
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private static final Pattern NUMBERED_PLACEHOLDER = Pattern.compile("\\$(\\d+)");

    private RawSql() {
    }

    /**
     * The end of the range of a prefix made of characters below U+FFFF (the benchmarks' ASCII prefixes): its last
     * character incremented, as {@code UserSearch.successor} makes it.
     */
    static String prefixEnd(String prefix) {
        return prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
    }

    /** {@code sql} for SQLite: {@code $n} becomes {@code ?n}, as in Minoro's SQLite dialect. */
    static String sqlite(String sql) {
        return NUMBERED_PLACEHOLDER.matcher(sql).replaceAll("?$1");
    }

    /** {@link FloorProgram#open}: sqlite-jdbc with Minoro's pragmas. */
    static Connection openSqlite(java.nio.file.Path file) throws SQLException {
        return FloorProgram.open("jdbc:sqlite:" + file);
    }

    /** What the database keeps of a session token, as Minoro computes it: SHA-256 of its UTF-8, lower-case hex. */
    static String tokenHash(String token) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A live session with its user as the raw baselines read it: every column Minoro reads, typed as Minoro types
     * them (the metadata left as its JSON text; the seeded sessions have none).
     */
    record SessionRow(UUID id, UUID userId, Instant createdAt, Instant lastSeenAt, Long idleTimeoutMillis,
            Instant absoluteExpiresAt, Instant expiresAt, String metadata, UserRow user) {

        /** From sqlite-jdbc: text ids, epoch-millisecond times, 0/1 booleans. */
        static SessionRow of(ResultSet row) throws SQLException {
            return new SessionRow(UUID.fromString(row.getString("session_id")),
                    UUID.fromString(row.getString("id")),
                    Instant.ofEpochMilli(row.getLong("session_created_at")),
                    Instant.ofEpochMilli(row.getLong("last_seen_at")), longOrNull(row, "idle_timeout_ms"),
                    instantOrNull(row, "absolute_expires_at"), instantOrNull(row, "expires_at"),
                    row.getString("metadata"),
                    new UserRow(UUID.fromString(row.getString("id")), row.getString("email"),
                            row.getString("display_name"), row.getInt("disabled") != 0,
                            Instant.ofEpochMilli(row.getLong("created_at")),
                            Instant.ofEpochMilli(row.getLong("updated_at")), instantOrNull(row, "last_login_at"),
                            instantOrNull(row, "locked_until"), row.getLong("version"),
                            row.getString("security_stamp"), instantOrNull(row, "password_changed_at")));
        }

        /** From r2dbc-postgresql, by column name as Minoro reads them. */
        static SessionRow of(Readable row) {
            return new SessionRow(row.get("session_id", UUID.class), row.get("id", UUID.class),
                    row.get("session_created_at", Instant.class), row.get("last_seen_at", Instant.class),
                    row.get("idle_timeout_ms", Long.class), row.get("absolute_expires_at", Instant.class),
                    row.get("expires_at", Instant.class), row.get("metadata", String.class), UserRow.of(row));
        }

        private static Long longOrNull(ResultSet row, String column) throws SQLException {
            long value = row.getLong(column);
            return row.wasNull() ? null : value;
        }

        private static Instant instantOrNull(ResultSet row, String column) throws SQLException {
            long millis = row.getLong(column);
            return row.wasNull() ? null : Instant.ofEpochMilli(millis);
        }
    }

    /** A user row as the raw baselines read it: every column Minoro's {@code User} reads, typed as Minoro types them. */
    record UserRow(UUID id, String email, String displayName, boolean disabled, Instant createdAt, Instant updatedAt,
            Instant lastLoginAt, Instant lockedUntil, long version, String securityStamp, Instant passwordChangedAt) {

        /** From sqlite-jdbc: text ids, epoch-millisecond times, 0/1 booleans. */
        static UserRow of(ResultSet row) throws SQLException {
            return new UserRow(UUID.fromString(row.getString(1)), row.getString(2), row.getString(3),
                    row.getInt(4) != 0, Instant.ofEpochMilli(row.getLong(5)), Instant.ofEpochMilli(row.getLong(6)),
                    instantOrNull(row, 7), instantOrNull(row, 8), row.getLong(9), row.getString(10),
                    instantOrNull(row, 11));
        }

        /** From r2dbc-postgresql, by column name as Minoro reads them. */
        static UserRow of(Readable row) {
            return new UserRow(row.get("id", UUID.class), row.get("email", String.class),
                    row.get("display_name", String.class), Boolean.TRUE.equals(row.get("disabled", Boolean.class)),
                    row.get("created_at", Instant.class), row.get("updated_at", Instant.class),
                    row.get("last_login_at", Instant.class), row.get("locked_until", Instant.class),
                    row.get("version", Long.class), row.get("security_stamp", String.class),
                    row.get("password_changed_at", Instant.class));
        }

        private static Instant instantOrNull(ResultSet row, int column) throws SQLException {
            long millis = row.getLong(column);
            return row.wasNull() ? null : Instant.ofEpochMilli(millis);
        }
    }
}
