package dev.minoro.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * The measured operations on raw sqlite-jdbc: Minoro's SQL on one connection set up as Minoro's, each
 * statement prepared once and reused, run on the calling thread. Not thread-safe: one thread at a time.
 */
final class JdbcOperations implements AutoCloseable {

    private final Connection connection;
    private final Workload workload;
    private final PreparedStatement userByEmail;
    private final PreparedStatement searchByEmailPrefix;
    private final PreparedStatement hasPermission;
    private final PreparedStatement permissionsOf;
    private final PreparedStatement insertUser;
    private final PreparedStatement assign;
    private PreparedStatement validateSession;

    JdbcOperations(Connection connection, Workload workload) throws SQLException {
        this.connection = connection;
        this.workload = workload;
        this.userByEmail = connection.prepareStatement(RawSql.sqlite(RawSql.USER_BY_EMAIL));
        this.searchByEmailPrefix = connection.prepareStatement(RawSql.sqlite(RawSql.SEARCH_BY_EMAIL_PREFIX));
        this.hasPermission = connection.prepareStatement(RawSql.sqlite(RawSql.HAS_PERMISSION));
        this.permissionsOf = connection.prepareStatement(RawSql.sqlite(RawSql.PERMISSIONS_OF));
        this.insertUser = connection.prepareStatement(RawSql.Flavour.SQLITE.sql(RawSql.Flavour.SQLITE.insertUser()));
        this.assign = connection.prepareStatement(RawSql.Flavour.SQLITE.sql(RawSql.Flavour.SQLITE.assign()));
    }

    RawSql.UserRow findByEmail(long k) throws SQLException {
        return findByEmail(Seed.email(Workload.user(k)));
    }

    RawSql.UserRow findByEmail(String email) throws SQLException {
        userByEmail.setString(1, Workload.normalised(email));
        try (ResultSet row = userByEmail.executeQuery()) {
            return row.next() ? RawSql.UserRow.of(row) : null;
        }
    }

    /** The first {@code pageSize} users whose email starts with {@code prefix} (lower case), and one more. */
    List<RawSql.UserRow> searchByEmailPrefix(String prefix, int pageSize) throws SQLException {
        searchByEmailPrefix.setString(1, prefix);
        searchByEmailPrefix.setString(2, RawSql.prefixEnd(prefix));
        searchByEmailPrefix.setInt(3, pageSize + 1);
        List<RawSql.UserRow> users = new ArrayList<>(pageSize + 1);
        try (ResultSet row = searchByEmailPrefix.executeQuery()) {
            while (row.next()) {
                users.add(RawSql.UserRow.of(row));
            }
        }
        return users;
    }

    boolean hasPermission(long k) throws SQLException {
        int user = Workload.user(k);
        hasPermission.setString(1, Seed.userId(user).toString());
        hasPermission.setString(2, Seed.heldPermission(user));
        hasPermission.setString(3, RawSql.ALL_PERMISSIONS);
        try (ResultSet row = hasPermission.executeQuery()) {
            return row.next();
        }
    }

    List<String> permissionsOf(long k) throws SQLException {
        permissionsOf.setString(1, Seed.userId(Workload.user(k)).toString());
        List<String> permissions = new ArrayList<>();
        try (ResultSet row = permissionsOf.executeQuery()) {
            while (row.next()) {
                permissions.add(row.getString(1));
            }
        }
        return permissions;
    }

    /**
     * {@code users().create} without a password: Minoro's insert, and the row it returns read as Minoro reads it,
     * then the statement stepped to its end as Minoro's driver steps it. Closing the result after its one row would
     * end the write in SQLite's reset instead, where SQLite does not checkpoint the write-ahead log: the log would
     * grow for the whole run (4.7 GB in 25 s here) and the database file would never be written, work Minoro does.
     */
    RawSql.UserRow create(long k) throws SQLException {
        String email = workload.newEmail(k);
        long now = System.currentTimeMillis();
        insertUser.setString(1, Seed.versionSevenId(now, k).toString());
        insertUser.setString(2, email);
        insertUser.setString(3, Workload.normalised(email));
        insertUser.setNull(4, Types.VARCHAR);
        insertUser.setNull(5, Types.VARCHAR);
        insertUser.setInt(6, 0);
        insertUser.setLong(7, now);
        insertUser.setNull(8, Types.VARCHAR);
        try (ResultSet row = insertUser.executeQuery()) {
            row.next();
            RawSql.UserRow user = RawSql.UserRow.of(row);
            if (row.next()) {
                throw new IllegalStateException("the insert returned a second row");
            }
            return user;
        }
    }

    int assign(long k) throws SQLException {
        assign.setString(1, Seed.userId(Workload.assignUser(k)).toString());
        assign.setString(2, Workload.assignRole(k));
        assign.setLong(3, System.currentTimeMillis());
        return assign.executeUpdate();
    }

    /**
     * {@code sessions().validate} the raw way: the token's SHA-256, then Minoro's query on a statement prepared at
     * first use and reused; no renewal (a trial's validations all fall within one renewal interval).
     */
    RawSql.SessionRow validate(String token) throws SQLException {
        if (validateSession == null) {
            validateSession = connection.prepareStatement(RawSql.sqlite(RawSql.VALIDATE_SESSION));
        }
        validateSession.setString(1, RawSql.tokenHash(token));
        validateSession.setLong(2, System.currentTimeMillis());
        try (ResultSet row = validateSession.executeQuery()) {
            return row.next() ? RawSql.SessionRow.of(row) : null;
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
