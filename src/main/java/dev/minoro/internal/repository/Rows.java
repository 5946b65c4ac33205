package dev.minoro.internal.repository;

import dev.minoro.Role;
import dev.minoro.Session;
import dev.minoro.User;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/** Maps rows to Minoro's domain types; the column lists the queries select live here too. */
final class Rows {

    /** The columns {@link #user} reads, qualified by {@code u}. */
    static final String USER_COLUMNS = "u.id, u.email, u.display_name, u.disabled, u.created_at, u.updated_at,"
            + " u.last_login_at, u.locked_until, u.version, u.security_stamp, u.password_changed_at";

    /** The columns {@link #user} reads, unqualified, for {@code RETURNING} clauses. */
    static final String USER_RETURNING = USER_COLUMNS.replace("u.", "");

    /**
     * The columns {@link #session} reads, qualified by {@code s}; those a user's columns also have are renamed, so
     * that a query may select both.
     */
    static final String SESSION_COLUMNS = "s.id AS session_id, s.user_id AS session_user_id,"
            + " s.created_at AS session_created_at, s.last_seen_at, s.idle_timeout_ms, s.absolute_expires_at,"
            + " s.expires_at, s.metadata";

    /** The columns {@link #role} reads, qualified by {@code r}. */
    static final String ROLE_COLUMNS = "r.id, r.name, r.description, r.created_at";

    private Rows() {
    }

    static User user(Readable row) {
        return new User(
                notNull(row.get("id", UUID.class), "id"),
                notNull(row.get("email", String.class), "email"),
                row.get("display_name", String.class),
                notNull(row.get("disabled", Boolean.class), "disabled"),
                notNull(row.get("created_at", Instant.class), "created_at"),
                notNull(row.get("updated_at", Instant.class), "updated_at"),
                row.get("last_login_at", Instant.class),
                row.get("locked_until", Instant.class),
                notNull(row.get("version", Long.class), "version"),
                notNull(row.get("security_stamp", String.class), "security_stamp"),
                row.get("password_changed_at", Instant.class));
    }

    static Role role(Readable row) {
        return new Role(
                notNull(row.get("id", UUID.class), "id"),
                notNull(row.get("name", String.class), "name"),
                row.get("description", String.class),
                notNull(row.get("created_at", Instant.class), "created_at"));
    }

    static Session session(Readable row) {
        return new Session(
                notNull(row.get("session_id", UUID.class), "session_id"),
                notNull(row.get("session_user_id", UUID.class), "session_user_id"),
                notNull(row.get("session_created_at", Instant.class), "session_created_at"),
                notNull(row.get("last_seen_at", Instant.class), "last_seen_at"),
                row.get("expires_at", Instant.class),
                row.get("absolute_expires_at", Instant.class),
                SessionMetadata.read(row.get("metadata", String.class)));
    }

    /** The session's idle timeout in milliseconds, or null for none. */
    static @Nullable Long idleTimeoutMillis(Readable row) {
        return row.get("idle_timeout_ms", Long.class);
    }

    /** The first column, a count. */
    static Long count(Readable row) {
        return notNull(row.get(0, Long.class), "count");
    }

    static String permission(Readable row) {
        return notNull(row.get("permission", String.class), "permission");
    }

    static <T> T notNull(T value, String column) {
        return Objects.requireNonNull(value, () -> "column " + column + " is null");
    }
}
