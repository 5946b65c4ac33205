package dev.minoro.benchmarks;

import dev.minoro.benchmarks.process.programs.FloorProgram;
import io.r2dbc.spi.Readable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The statements Minoro runs for the measured operations, word for word, so that each raw baseline runs the
 * same SQL as Minoro: copied from the library's {@code internal.repository.Sql}, {@code Rows}, {@code UserSearch}
 * and
 * {@code internal.migration.MigrationLedger} (internal classes the benchmarks cannot reach). When those
 * change, change these. Written with PostgreSQL's {@code $n} placeholders; {@link #sqlite} rewrites them as
 * Minoro's SQLite dialect does.
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

    static final String HAS_PERMISSION = "SELECT 1 FROM minoro_role_permissions p"
            + " JOIN minoro_user_roles ur ON ur.role_id = p.role_id"
            + " WHERE ur.user_id = $1 AND p.permission = $2 LIMIT 1";

    static final String PERMISSIONS_OF = "SELECT DISTINCT p.permission FROM minoro_role_permissions p"
            + " JOIN minoro_user_roles ur ON ur.role_id = p.role_id WHERE ur.user_id = $1"
            + " ORDER BY p.permission";

    static final String INSERT_USER = "INSERT INTO minoro_users (id, email, email_norm, display_name, password_hash,"
            + " disabled, failed_attempts, created_at, updated_at, version)"
            + " VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, 0)";

    static final String ASSIGN = "INSERT INTO minoro_user_roles (user_id, role_id, assigned_at)"
            + " SELECT u.id, r.id, $3 FROM minoro_users u, minoro_roles r"
            + " WHERE u.id = $1 AND r.name_norm = $2"
            + " ON CONFLICT (user_id, role_id) DO NOTHING";

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
