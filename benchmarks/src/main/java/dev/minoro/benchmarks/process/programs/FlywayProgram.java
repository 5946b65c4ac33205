package dev.minoro.benchmarks.process.programs;

import java.sql.Connection;
import org.flywaydb.core.Flyway;

/**
 * The same program written with Flyway and sqlite-jdbc: {@code migrate()} with Flyway's defaults (migrations
 * under {@code db/migration} on the class path, Minoro's own script as {@code V1}), then the application's
 * connection with Minoro's pragmas, {@code ready}, close, {@code closed}. Class path: this jar, flyway-core,
 * sqlite-jdbc and the migrations folder.
 */
public final class FlywayProgram {

    private FlywayProgram() {
    }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:sqlite:" + args[0];
        Flyway.configure().dataSource(url, "", "").load().migrate();
        Connection connection = FloorProgram.open(url);
        System.out.println("ready");
        connection.close();
        System.out.println("closed");
    }
}
