package dev.minoro.benchmarks.process.programs;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The reactive floor: {@link FloorProgram}'s work (open with Minoro's pragmas, the ledger statement, close) through
 * the least a non-blocking bridge over JDBC does: {@code Mono.fromCallable} on Reactor's bounded-elastic scheduler,
 * then {@code block()} in {@code main}. The least a Reactor-based library pays on a cold JVM beside the raw driver:
 * the process benchmark's {@code floor-reactor}. Class path: this jar, sqlite-jdbc, reactor-core and
 * reactive-streams; no SLF4J, so Reactor logs through its own fallback.
 */
public final class ReactorFloorProgram {

    private ReactorFloorProgram() {
    }

    public static void main(String[] args) {
        String url = "jdbc:sqlite:" + args[0];
        Connection connection = Mono.fromCallable(() -> {
            Connection opened = FloorProgram.open(url);
            try (Statement statement = opened.createStatement();
                    ResultSet head = statement.executeQuery(FloorProgram.LEDGER_HEAD)) {
                if (!head.next()) {
                    throw new IllegalStateException("the ledger is empty");
                }
            }
            return opened;
        }).subscribeOn(Schedulers.boundedElastic()).block();
        System.out.println("ready");
        Mono.fromCallable(() -> {
            connection.close();
            return Boolean.TRUE;
        }).subscribeOn(Schedulers.boundedElastic()).block();
        // as Minoro's close() ends the threads it started: bounded-elastic's (daemons, kept idle up to 60 s)
        Schedulers.shutdownNow();
        System.out.println("closed");
    }
}
