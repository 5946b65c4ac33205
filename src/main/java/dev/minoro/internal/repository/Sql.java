package dev.minoro.internal.repository;

import static dev.minoro.internal.repository.Rows.ROLE_COLUMNS;
import static dev.minoro.internal.repository.Rows.SESSION_COLUMNS;
import static dev.minoro.internal.repository.Rows.USER_COLUMNS;
import static dev.minoro.internal.repository.Rows.USER_RETURNING;

import dev.minoro.UserRepository;
import dev.minoro.internal.database.Dialect;
import dev.minoro.internal.database.Dialect.RowLock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Every statement the repositories and the login run, in one place. Written once, with PostgreSQL's
 * {@code $n} placeholders, and rewritten for the database by its {@link Dialect} once per dialect and class
 * loader (not on every boot: the serverless hot path boots often); the schema's column types make the same text
 * right on both databases.
 */
final class Sql {

    /** By dialect class: a dialect's rewriting depends on its class only. */
    private static final Map<Class<?>, Sql> BY_DIALECT = new ConcurrentHashMap<>();

    /** How many arguments each row of {@link #insertImportBatch} takes. */
    static final int IMPORT_ARGUMENTS = 8;

    private final String insertFullImportBatch;

    // users
    final String insertUser;
    final String userById;
    final String userByEmail;
    final String usersPage;
    final String countUsers;
    final String userVersion;
    final String updateProfile;
    final String setDisabled;
    final String setDisabledAtVersion;
    final String setPassword;
    final String unlock;
    final String deleteUser;

    // login
    final String credentialsByEmail;
    final String reserveAttempt;
    final String recordSuccess;
    final String releaseAttempt;

    // roles
    final String insertRole;
    final String roleByName;
    final String roleById;
    final String allRoles;
    final String countRoles;
    final String lockRole;
    final String lockRoleMembers;
    final String deleteRole;
    final String renameRole;
    final String lockUserRow;
    final String assign;
    final String userAndRoleExist;
    final String revoke;
    final String rolesOf;
    final String membersOf;
    final String hasRole;
    final String grant;
    final String revokePermission;
    final String permissionsOfRole;
    final String permissionsOf;

    // sessions
    final String insertSession;
    final String liveSessionByTokenHash;
    final String renewSession;
    final String liveSessionsOf;
    final String deleteSessionByTokenHash;
    final String deleteSessionOfUser;
    final String deleteSessionsOfUser;
    final String purgeExpiredSessions;

    // the Spring Session store (SpringSessionStore)
    final String springSessionByTokenHash;
    final String springSessionsByPrincipal;
    final String insertSpringSession;
    final String updateSpringSession;
    final String updateSpringSessionBinding;
    final String deleteSpringSessionById;

    /** Rewrites SQL built per call (search, lists of values, import batches) for the database. */
    private final Dialect dialect;
    private final Map<String, String> rewritten = new ConcurrentHashMap<>();

    /** {@link #hasAnyPermission}'s statements for counts below this are kept. */
    static final int KEPT_PERMISSION_COUNTS = 16;

    private final AtomicReferenceArray<String> hasAnyPermission = new AtomicReferenceArray<>(KEPT_PERMISSION_COUNTS);

    /** The statements for {@code dialect}, rewritten on first use and then shared. */
    static Sql of(Dialect dialect) {
        return BY_DIALECT.computeIfAbsent(dialect.getClass(), c -> new Sql(dialect));
    }

    private Sql(Dialect dialect) {
        this.dialect = dialect;
        String newStamp = dialect.newSecurityStamp();
        insertUser = dialect.sql("INSERT INTO minoro_users (id, email, email_norm, display_name, password_hash,"
                + " disabled, failed_attempts, created_at, updated_at, version, display_name_norm, security_stamp,"
                + " password_changed_at)"
                + " VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, 0, $8, " + newStamp + ","
                + " CASE WHEN $5 IS NULL THEN NULL ELSE $7 END) RETURNING " + USER_RETURNING);
        insertFullImportBatch = importInsert(UserRepository.IMPORT_BATCH_SIZE);
        userById = dialect.sql("SELECT " + USER_COLUMNS + " FROM minoro_users u WHERE u.id = $1");
        userByEmail = dialect.sql("SELECT " + USER_COLUMNS + " FROM minoro_users u WHERE u.email_norm = $1");
        usersPage = dialect.sql("SELECT " + USER_COLUMNS + " FROM minoro_users u ORDER BY u.email_norm"
                + " LIMIT $1 OFFSET $2");
        countUsers = "SELECT COUNT(*) FROM minoro_users";
        userVersion = dialect.sql("SELECT version FROM minoro_users WHERE id = $1");
        // SET expressions read the row as it was before the update, on both databases.
        updateProfile = dialect.sql("UPDATE minoro_users SET email = $3, email_norm = $4, display_name = $5,"
                + " display_name_norm = $7, updated_at = $6, version = version + 1,"
                + " security_stamp = CASE WHEN email_norm = $4 THEN security_stamp ELSE " + newStamp + " END"
                + " WHERE id = $1 AND version = $2 RETURNING " + USER_RETURNING);
        String setDisabledSql = "UPDATE minoro_users SET disabled = $2, updated_at = $3, version = version + 1,"
                + " security_stamp = CASE WHEN $2 AND NOT disabled THEN " + newStamp + " ELSE security_stamp END"
                + " WHERE id = $1";
        setDisabled = dialect.sql(setDisabledSql + " RETURNING " + USER_RETURNING);
        setDisabledAtVersion = dialect.sql(setDisabledSql + " AND version = $4 RETURNING " + USER_RETURNING);
        setPassword = dialect.sql("UPDATE minoro_users SET password_hash = $2, failed_attempts = 0,"
                + " locked_until = NULL, updated_at = $3, version = version + 1, security_stamp = " + newStamp + ","
                + " password_changed_at = CASE WHEN $2 IS NULL THEN NULL ELSE $3 END WHERE id = $1");
        unlock = dialect.sql("UPDATE minoro_users SET failed_attempts = 0, locked_until = NULL WHERE id = $1");
        deleteUser = dialect.sql("DELETE FROM minoro_users WHERE id = $1");

        credentialsByEmail = dialect.sql("SELECT " + USER_COLUMNS + ", u.password_hash"
                + " FROM minoro_users u WHERE u.email_norm = $1");
        // One statement, so that concurrent attempts count exactly and no more than maxFailures of them are
        // checked per lock period. An attempt counts as failed from here until it succeeds; the one that
        // reaches the threshold locks the account (until $4) and is still checked. A lock that is over
        // starts a new count. Refused attempts change nothing and return no row, except on an account whose
        // count is already at the threshold without a lock (the threshold was lowered): it is locked now,
        // and the row comes back with failed_attempts = $3 + 1 to say refused.
        reserveAttempt = dialect.sql("UPDATE minoro_users SET"
                + " failed_attempts = CASE WHEN locked_until <= $2 THEN 1"
                + " WHEN failed_attempts < $3 THEN failed_attempts + 1 ELSE $3 + 1 END,"
                + " locked_until = CASE WHEN locked_until <= $2 THEN (CASE WHEN 1 >= $3 THEN $4 END)"
                + " WHEN failed_attempts + 1 >= $3 THEN $4 END"
                + " WHERE email_norm = $1 AND password_hash IS NOT NULL"
                + " AND (locked_until IS NULL OR locked_until <= $2)"
                + " RETURNING " + USER_RETURNING + ", password_hash, failed_attempts");
        // A right password gives its attempt back: the count restarts, and a lock goes only if this attempt
        // set it ($lockSet); a lock set by another attempt stays, since this one never saw it.
        String releaseAttempt = "failed_attempts = CASE WHEN locked_until IS NULL OR locked_until = $2 THEN 0"
                + " ELSE failed_attempts END,"
                + " locked_until = CASE WHEN locked_until = $2 THEN NULL ELSE locked_until END";
        this.releaseAttempt = dialect.sql("UPDATE minoro_users SET " + releaseAttempt + " WHERE id = $1");
        // The new hash replaces the old only if nobody changed the password since it was read.
        recordSuccess = dialect.sql("UPDATE minoro_users SET " + releaseAttempt + ", last_login_at = $3,"
                + " password_hash = CASE WHEN password_hash = $5 THEN $4 ELSE password_hash END"
                + " WHERE id = $1 RETURNING " + USER_RETURNING);

        insertRole = dialect.sql("INSERT INTO minoro_roles (id, name, name_norm, description, created_at)"
                + " VALUES ($1, $2, $3, $4, $5)");
        roleByName = dialect.sql("SELECT " + ROLE_COLUMNS + " FROM minoro_roles r WHERE r.name_norm = $1");
        roleById = dialect.sql("SELECT " + ROLE_COLUMNS + " FROM minoro_roles r WHERE r.id = $1");
        allRoles = "SELECT " + ROLE_COLUMNS + " FROM minoro_roles r ORDER BY r.name_norm";
        countRoles = "SELECT COUNT(*) FROM minoro_roles";
        // The users who have the role named $1.
        String roleMembers = " FROM minoro_users u JOIN minoro_user_roles ur ON ur.user_id = u.id"
                + " JOIN minoro_roles r ON r.id = ur.role_id WHERE r.name_norm = $1";
        // The lock order of every change of roles and memberships (PostgreSQL breaks a cycle as a deadlock):
        // 1. role rows: a role's delete takes its role's for delete (RowLock.DELETE), which keeps new memberships
        //    out; a change that inserts memberships takes their roles' to refer to them (RowLock.REFERENCE, in name
        //    order), the lock its foreign-key check would take only after the user's;
        // 2. user rows, in id order (RowLock.UPDATE or lockUserRow);
        // 3. membership rows. Their triggers renew the user's stamp, locking the user's row after the membership's:
        //    so whatever deletes or inserts a membership holds its user's row already.
        // A role's delete: the role's row; then its members', read by a statement of their own once no member can
        // join (a statement sees only what committed before it began, so one statement would miss a member that
        // joined while it waited for the role's row, and its cascade would lock that member last); then the delete.
        lockRole = dialect.sql("SELECT id FROM minoro_roles WHERE name_norm = $1"
                + dialect.lock(RowLock.DELETE, "minoro_roles"));
        lockRoleMembers = dialect.sql("SELECT u.id FROM minoro_users u JOIN minoro_user_roles ur ON ur.user_id = u.id"
                + " WHERE ur.role_id = $1 ORDER BY u.id" + dialect.lock(RowLock.UPDATE, "u"));
        deleteRole = dialect.sql("DELETE FROM minoro_roles WHERE id = $1");
        renameRole = dialect.sql("UPDATE minoro_roles SET name = $2, name_norm = $3 WHERE name_norm = $1"
                + " RETURNING " + ROLE_COLUMNS.replace("r.", ""));
        // Changes nothing, but holds the user's row until the transaction ends (PostgreSQL's row lock, SQLite's
        // write lock), so that concurrent replacements of one user's roles run one after the other.
        lockUserRow = dialect.sql("UPDATE minoro_users SET version = version WHERE id = $1");
        // assign and revoke lock the user's row before its membership, as setRoles does (lockUserRow); assign
        // takes the role's row before the user's: the EXISTS, which refers to nothing of its query, is a one-time
        // filter, run before the first user's row is read and locked.
        String lockedUser = "WITH locked AS (SELECT id FROM minoro_users WHERE id = $1"
                + dialect.lock(RowLock.UPDATE, "minoro_users") + ") ";
        assign = dialect.sql("WITH role AS (SELECT id FROM minoro_roles WHERE name_norm = $2"
                + dialect.lock(RowLock.REFERENCE, "minoro_roles") + "),"
                + " locked AS (SELECT id FROM minoro_users WHERE id = $1 AND EXISTS (SELECT 1 FROM role)"
                + dialect.lock(RowLock.UPDATE, "minoro_users") + ")"
                + " INSERT INTO minoro_user_roles (user_id, role_id, assigned_at)"
                + " SELECT locked.id, role.id, $3 FROM locked, role WHERE true"
                + " ON CONFLICT (user_id, role_id) DO NOTHING");
        userAndRoleExist = dialect.sql("SELECT (SELECT COUNT(*) FROM minoro_users WHERE id = $1) AS user_count,"
                + " (SELECT COUNT(*) FROM minoro_roles WHERE name_norm = $2) AS role_count");
        revoke = dialect.sql(lockedUser + "DELETE FROM minoro_user_roles WHERE user_id IN (SELECT id FROM locked)"
                + " AND role_id IN (SELECT id FROM minoro_roles WHERE name_norm = $2)");
        rolesOf = dialect.sql("SELECT " + ROLE_COLUMNS + " FROM minoro_roles r"
                + " JOIN minoro_user_roles ur ON ur.role_id = r.id WHERE ur.user_id = $1 ORDER BY r.name_norm");
        membersOf = dialect.sql("SELECT " + USER_COLUMNS + roleMembers + " ORDER BY u.email_norm");
        hasRole = dialect.sql("SELECT 1 FROM minoro_user_roles ur JOIN minoro_roles r ON r.id = ur.role_id"
                + " WHERE ur.user_id = $1 AND r.name_norm = $2 LIMIT 1");
        grant = dialect.sql("INSERT INTO minoro_role_permissions (role_id, permission, granted_at)"
                + " SELECT r.id, $2, $3 FROM minoro_roles r WHERE r.name_norm = $1"
                + " ON CONFLICT (role_id, permission) DO NOTHING");
        revokePermission = dialect.sql("DELETE FROM minoro_role_permissions WHERE permission = $2"
                + " AND role_id IN (SELECT id FROM minoro_roles WHERE name_norm = $1)");
        permissionsOfRole = dialect.sql("SELECT p.permission FROM minoro_role_permissions p"
                + " JOIN minoro_roles r ON r.id = p.role_id WHERE r.name_norm = $1 ORDER BY p.permission");
        permissionsOf = dialect.sql("SELECT DISTINCT p.permission FROM minoro_role_permissions p"
                + " JOIN minoro_user_roles ur ON ur.role_id = p.role_id WHERE ur.user_id = $1"
                + " ORDER BY p.permission");

        // A session of a user that exists and is not disabled, under the user's current stamp.
        insertSession = dialect.sql("INSERT INTO minoro_sessions (id, kind, token_hash, user_id, security_stamp,"
                + " created_at, last_seen_at, idle_timeout_ms, absolute_expires_at, expires_at, metadata)"
                + " SELECT $1, 'minoro', $2, u.id, u.security_stamp, $3, $3, $4, $5, $6, $7 FROM minoro_users u"
                + " WHERE u.id = $8 AND NOT u.disabled");
        // What makes a session live, besides its token: not expired at $2, its user enabled and at the same stamp.
        String live = " FROM minoro_sessions s JOIN minoro_users u ON u.id = s.user_id"
                + " WHERE (s.expires_at IS NULL OR s.expires_at > $2) AND NOT u.disabled"
                + " AND u.security_stamp = s.security_stamp";
        // Only a session of its own kind: a Spring Session id opens no Minoro session, and the other way round.
        liveSessionByTokenHash = dialect.sql("SELECT " + SESSION_COLUMNS + ", " + USER_COLUMNS + live
                + " AND s.token_hash = $1 AND s.kind = 'minoro'");
        // A compare-and-set on the last renewal read: of concurrent validations, one writes.
        renewSession = dialect.sql("UPDATE minoro_sessions SET last_seen_at = $2, expires_at = $3"
                + " WHERE id = $1 AND last_seen_at = $4");
        liveSessionsOf = dialect.sql("SELECT " + SESSION_COLUMNS + ", " + USER_COLUMNS + live + " AND s.user_id = $1"
                + " ORDER BY s.created_at DESC, s.id DESC");
        // $2: the kind of session the token is of, 'minoro' or 'spring'
        deleteSessionByTokenHash = dialect.sql("DELETE FROM minoro_sessions WHERE token_hash = $1 AND kind = $2");
        deleteSessionOfUser = dialect.sql("DELETE FROM minoro_sessions WHERE id = $2 AND user_id = $1");
        deleteSessionsOfUser = dialect.sql("DELETE FROM minoro_sessions WHERE user_id = $1");
        // Through the primary key from a bounded subquery: PostgreSQL has no DELETE ... LIMIT, and SQLite has it
        // only when compiled with SQLITE_ENABLE_UPDATE_DELETE_LIMIT.
        // Passes over the sessions another transaction holds (another instance's purge, a revocation of a user's
        // sessions, a user's delete): those are on their way out already, and waiting for them could close a cycle
        // with a transaction that deletes the same sessions in another order.
        purgeExpiredSessions = dialect.sql("DELETE FROM minoro_sessions WHERE id IN (SELECT id FROM minoro_sessions"
                + " WHERE expires_at <= $1 LIMIT " + SqlSessionRepository.PURGE_BATCH_SIZE
                + dialect.lock(RowLock.DELETE_SKIPPING_HELD, "minoro_sessions") + ")");

        // One round trip reads a session, its attributes and what decides whether its user still allows it.
        String springSession = "SELECT s.id, s.token_hash, s.created_at, s.last_seen_at, s.idle_timeout_ms,"
                + " s.expires_at, s.principal_name, s.user_id, s.security_stamp, u.id AS bound_user, u.disabled,"
                + " u.security_stamp AS user_stamp, a.name, a.value"
                + " FROM minoro_sessions s LEFT JOIN minoro_users u ON u.id = s.user_id"
                + " LEFT JOIN minoro_session_attributes a ON a.session_id = s.id WHERE ";
        springSessionByTokenHash = dialect.sql(springSession + "s.token_hash = $1 AND s.kind = 'spring'");
        springSessionsByPrincipal = dialect.sql(springSession + "s.principal_name = $1 AND s.kind = 'spring'"
                + " ORDER BY s.id");
        // A principal that is a user's email binds the session to the user and the user's current stamp; $6 is that
        // normalised email, or null for no user.
        insertSpringSession = dialect.sql("INSERT INTO minoro_sessions (id, kind, token_hash, principal_name,"
                + " created_at, last_seen_at, idle_timeout_ms, expires_at, user_id, security_stamp)"
                + " VALUES ($1, 'spring', $2, $3, $4, $5, $7, $8, (SELECT id FROM minoro_users WHERE email_norm = $6),"
                + " (SELECT security_stamp FROM minoro_users WHERE email_norm = $6))");
        String updateSpringSession = "UPDATE minoro_sessions SET token_hash = $2, last_seen_at = $3,"
                + " idle_timeout_ms = $4, expires_at = $5";
        this.updateSpringSession = dialect.sql(updateSpringSession + " WHERE id = $1");
        updateSpringSessionBinding = dialect.sql(updateSpringSession + ", principal_name = $6,"
                + " user_id = (SELECT id FROM minoro_users WHERE email_norm = $7),"
                + " security_stamp = (SELECT security_stamp FROM minoro_users WHERE email_norm = $7) WHERE id = $1");
        deleteSpringSessionById = dialect.sql("DELETE FROM minoro_sessions WHERE id = $1 AND kind = 'spring'");
    }

    /**
     * Writes {@code count} attributes of session {@code $1}, names and values in {@code $2 …} by pairs, replacing
     * those it has: one statement however many. Rows come from the session's own row, so that a session deleted
     * meanwhile (signed out elsewhere) gets nothing written and is not brought back.
     */
    String upsertSpringSessionAttributes(int count) {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < count; i++) {
            values.append(i == 0 ? "($" : ", ($").append(2 + 2 * i).append(", $").append(3 + 2 * i).append(')');
        }
        return smallList(count, "INSERT INTO minoro_session_attributes (session_id, name, value)"
                + " SELECT s.id, v.column1, v.column2 FROM minoro_sessions s, (VALUES " + values + ") v"
                + " WHERE s.id = $1 ON CONFLICT (session_id, name) DO UPDATE SET value = excluded.value");
    }

    /** Deletes the {@code count} attributes named {@code $2 …} of session {@code $1}. */
    String deleteSpringSessionAttributes(int count) {
        return smallList(count, "DELETE FROM minoro_session_attributes WHERE session_id = $1 AND name IN ("
                + placeholders(2, count) + ")");
    }

    /**
     * {@code portableSql}, a statement over a list of {@code count} values, rewritten: kept when the list is short
     * (a session's changes usually are: a save writes one attribute or a few), else rewritten per call.
     */
    private String smallList(int count, String portableSql) {
        return count <= 8 ? rewritten(portableSql) : dialect.sql(portableSql);
    }

    /**
     * Whether any of the user's roles grants one of {@code count} permissions, {@code $2 …}: the permission asked
     * for and the wildcards that cover it (see {@link Permissions}). A row, if any, is one of those permissions:
     * a column the database describes by its declared type, which the SQLite driver then keeps with its
     * statement. Kept for each count below {@link #KEPT_PERMISSION_COUNTS} (a permission with up to 13 separators
     * gives at most 15), as every authorization check runs it; longer lists are written per call.
     */
    String hasAnyPermission(int count) {
        if (count >= KEPT_PERMISSION_COUNTS) {
            return hasAnyPermissionSql(count);
        }
        String kept = hasAnyPermission.get(count);
        if (kept == null) {
            kept = hasAnyPermissionSql(count);
            hasAnyPermission.set(count, kept);
        }
        return kept;
    }

    private String hasAnyPermissionSql(int count) {
        return dialect.sql("SELECT p.permission FROM minoro_role_permissions p"
                + " JOIN minoro_user_roles ur ON ur.role_id = p.role_id"
                + " WHERE ur.user_id = $1 AND p.permission IN (" + placeholders(2, count) + ") LIMIT 1");
    }

    /** The permissions of {@code count} users, {@code $1 …}: one row per user and permission, distinct. */
    String permissionsOfUsers(int count) {
        return dialect.sql("SELECT DISTINCT ur.user_id, p.permission FROM minoro_user_roles ur"
                + " JOIN minoro_role_permissions p ON p.role_id = ur.role_id"
                + " WHERE ur.user_id IN (" + placeholders(1, count) + ")");
    }

    /**
     * The normalised names, among {@code count} given as {@code $1 …}, that roles have, their rows held in name order
     * for memberships to refer to them (see the lock order in the constructor).
     */
    String lockRolesAmong(int count) {
        return dialect.sql("SELECT name_norm FROM minoro_roles WHERE name_norm IN (" + placeholders(1, count) + ")"
                + " ORDER BY name_norm" + dialect.lock(RowLock.REFERENCE, "minoro_roles"));
    }

    /** Deletes user {@code $1}'s memberships except those of the {@code count} roles named {@code $2 …}. */
    String deleteMembershipsExcept(int count) {
        return dialect.sql("DELETE FROM minoro_user_roles WHERE user_id = $1" + (count == 0 ? ""
                : " AND role_id NOT IN (SELECT id FROM minoro_roles WHERE name_norm IN (" + placeholders(2, count)
                        + "))"));
    }

    /** Gives user {@code $1} (at time {@code $2}) the {@code count} roles named {@code $3 …} it does not have. */
    String insertMemberships(int count) {
        return dialect.sql("INSERT INTO minoro_user_roles (user_id, role_id, assigned_at) SELECT $1, r.id, $2"
                + " FROM minoro_roles r WHERE r.name_norm IN (" + placeholders(3, count) + ")"
                + " ON CONFLICT (user_id, role_id) DO NOTHING");
    }

    /**
     * A search's portable SQL, rewritten for the database and kept: a search has at most 2^6 shapes (which
     * filters it has), so the cache stays small. Lists of values are rewritten per call instead: one shape per
     * length would keep up to a thousand long strings.
     */
    String rewritten(String portableSql) {
        return rewritten.computeIfAbsent(portableSql, dialect::sql);
    }

    /** {@code $from, $from+1, …}, {@code count} of them. */
    static String placeholders(int from, int count) {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < count; i++) {
            list.append(i == 0 ? "$" : ", $").append(from + i);
        }
        return list.toString();
    }

    /**
     * One statement that inserts {@code rows} users (8 arguments each: id, email, email_norm, display_name,
     * password_hash, disabled, created_at, display_name_norm; each gets a new security stamp, and a password change
     * time when it has a password, as {@link #insertUser} does) and returns the ids of those inserted: a row whose
     * email is taken, also by an earlier row of the same statement, is skipped and aborts nothing (both SQLite, 3.35
     * on, and PostgreSQL). One statement per batch rather than one per user: an import is bound by round trips.
     */
    String insertImportBatch(int rows) {
        return rows == UserRepository.IMPORT_BATCH_SIZE ? insertFullImportBatch : importInsert(rows);
    }

    private String importInsert(int rows) {
        String newStamp = dialect.newSecurityStamp();
        StringBuilder sql = new StringBuilder("INSERT INTO minoro_users (id, email, email_norm, display_name,"
                + " password_hash, disabled, failed_attempts, created_at, updated_at, version, display_name_norm,"
                + " security_stamp, password_changed_at) VALUES ");
        for (int row = 0; row < rows; row++) {
            int p = row * IMPORT_ARGUMENTS;
            sql.append(row == 0 ? "" : ", ").append("($").append(p + 1).append(", $").append(p + 2).append(", $")
                    .append(p + 3).append(", $").append(p + 4).append(", $").append(p + 5).append(", $").append(p + 6)
                    .append(", 0, $").append(p + 7).append(", $").append(p + 7).append(", 0, $").append(p + 8)
                    .append(", ").append(newStamp).append(", CASE WHEN $").append(p + 5).append(" IS NULL THEN NULL")
                    .append(" ELSE $").append(p + 7).append(" END)");
        }
        return dialect.sql(sql.append(" ON CONFLICT (email_norm) DO NOTHING RETURNING id").toString());
    }
}
