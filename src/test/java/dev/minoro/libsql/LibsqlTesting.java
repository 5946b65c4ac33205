package dev.minoro.libsql;

import dev.minoro.testing.LibsqlDatabase;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Statement;
import java.time.Duration;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** Shortcuts for the libSQL driver's tests. */
final class LibsqlTesting {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private LibsqlTesting() {
    }

    /**
     * JDBC on the same database through DBeaver's libSQL JDBC driver, for the TCK's fixtures (it creates and drops
     * tables and inserts rows through JDBC; it reads nothing back that way): another client, over sqld's older
     * HTTP API ({@code POST /}).
     *
     * <p>DBeaver's driver 1.0.6 cannot run the TCK's LOB fixtures: {@code PreparedStatement.executeUpdate()}
     * throws {@code SQLFeatureNotSupportedException}, and a {@code byte[]} parameter is sent as the text of its
     * {@code toString()}. So the prepared statements this data source hands out keep their parameters and, when
     * run, send the SQL with each {@code ?} replaced by the value's SQL literal ({@code X'…'} for bytes,
     * {@code '…'} for text) through the driver's plain {@code Statement}. The TCK's SQL has no {@code ?} other than
     * its placeholders.
     */
    static JdbcOperations jdbc(LibsqlDatabase database) {
        java.sql.Driver driver;
        try {
            driver = (java.sql.Driver) Class.forName("com.dbeaver.jdbc.driver.libsql.LibSqlDriver")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DBeaver's libSQL JDBC driver is not on the test class path", e);
        }
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(driver, "jdbc:dbeaver:libsql:" + database.url()) {
            @Override
            protected java.sql.Connection getConnectionFromDriver(java.util.Properties properties)
                    throws java.sql.SQLException {
                java.sql.Connection connection = super.getConnectionFromDriver(properties);
                return proxy(java.sql.Connection.class, (method, args) -> {
                    if (method.getName().equals("prepareStatement") && args != null && args.length == 1) {
                        return literalStatement(connection, (String) args[0]);
                    }
                    return method.invoke(connection, args);
                });
            }
        };
        return new JdbcTemplate(dataSource);
    }

    /** A prepared statement that runs its SQL with the parameters written in as literals. */
    private static java.sql.PreparedStatement literalStatement(java.sql.Connection connection, String sql) {
        java.util.Map<Integer, String> literals = new java.util.TreeMap<>();
        int[] updateCount = {-1};
        return proxy(java.sql.PreparedStatement.class, (method, args) -> {
            String name = method.getName();
            if (name.startsWith("set") && args != null && args.length >= 2 && args[0] instanceof Integer) {
                literals.put((Integer) args[0], literal(args[1]));
                return null;
            }
            switch (name) {
                case "executeUpdate", "execute" -> {
                    StringBuilder expanded = new StringBuilder();
                    int parameter = 0;
                    for (char c : sql.toCharArray()) {
                        expanded.append(c == '?' ? literals.get(++parameter) : String.valueOf(c));
                    }
                    try (java.sql.Statement statement = connection.createStatement()) {
                        statement.execute(expanded.toString());
                        updateCount[0] = Math.max(statement.getUpdateCount(), 0);
                    }
                    return name.equals("execute") ? (Object) false : (Object) updateCount[0];
                }
                case "getUpdateCount" -> {
                    return updateCount[0];
                }
                case "close", "clearParameters" -> {
                    return null;
                }
                case "isClosed" -> {
                    return false;
                }
                case "getWarnings" -> {
                    return null;
                }
                default -> throw new java.sql.SQLFeatureNotSupportedException("the TCK fixture's statement does not "
                        + name);
            }
        });
    }

    private static String literal(@org.jspecify.annotations.Nullable Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof byte[]) {
            return "X'" + java.util.HexFormat.of().formatHex((byte[]) value) + "'";
        }
        if (value instanceof Number) {
            return value.toString();
        }
        return "'" + value.toString().replace("'", "''") + "'";
    }

    /** A call on a proxied JDBC object. */
    @FunctionalInterface
    private interface Call {
        Object call(java.lang.reflect.Method method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Call call) {
        return type.cast(java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    try {
                        return call.call(method, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }
}
