package dev.minoro.sqlite;

import io.r2dbc.spi.Connection;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

final class SmokeTests {

    @TempDir
    Path dir;

    @Test
    void smoke() {
        SqliteConnectionFactory factory = new SqliteConnectionFactory(SqliteConnectionConfiguration.builder()
                .database(dir.resolve("a.db").toString()).build());
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(
                "create table t(id integer primary key, name text not null); insert into t(name) values ('a'),('b');"
                        + " select id, name from t").execute())
                .concatMap(r -> Flux.from(r.map((row, md) -> row.get("name", String.class) + row.get(0))).defaultIfEmpty("-")),
                Connection::close)
                .as(StepVerifier::create)
                .expectNext("-", "-", "a1", "b2")
                .verifyComplete();
        Mono.from(factory.close()).as(StepVerifier::create).verifyComplete();
    }
}
