package dev.minoro.benchmarks.process.programs;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * The floor: the least a JVM program does for the answer Minoro's boot gives. sqlite-jdbc opens the file with
 * Minoro's pragmas, runs Minoro's ledger statement, prints {@code ready}, closes, prints {@code closed}. Class
 * path: this jar and sqlite-jdbc.
 */
public final class FloorProgram {

    /** Minoro's boot statement on an up-to-date database. */
    public static final String LEDGER_HEAD =
            "SELECT version, checksum, compatible_from FROM minoro_migrations ORDER BY version DESC LIMIT 1";

    private FloorProgram() {
    }

    public static void main(String[] args) throws SQLException {
        Connection connection = open("jdbc:sqlite:" + args[0]);
        try (Statement statement = connection.createStatement();
                ResultSet head = statement.executeQuery(LEDGER_HEAD)) {
            if (!head.next()) {
                throw new IllegalStateException("the ledger is empty");
            }
        }
        System.out.println("ready");
        connection.close();
        System.out.println("closed");
    }

    /**
     * A sqlite-jdbc connection set up as Minoro sets up its writer connection: busy timeout, foreign keys on, WAL
     * journal, {@code synchronous = NORMAL}, and sqlite-jdbc's generated keys off (with them, it matches a regex
     * against the SQL at every execute and runs {@code SELECT last_insert_rowid()} after every insert: work Minoro's
     * driver does not do). The floor of every SQLite comparison, in the JMH benchmarks too.
     */
    public static Connection open(String url) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.setGetGeneratedKeys(false);
        config.setBusyTimeout(10_000);
        config.enforceForeignKeys(true);
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        return config.createConnection(url);
    }
}
