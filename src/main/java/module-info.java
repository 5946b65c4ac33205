/**
 * Minoro: user accounts, roles and permissions kept in SQLite, libSQL or PostgreSQL, behind non-blocking Reactor
 * repositories. Exports the API ({@code dev.minoro}), the R2DBC drivers ({@code dev.minoro.sqlite},
 * {@code dev.minoro.libsql}) and the optional integrations: Spring Security ({@code dev.minoro.spring}, which needs
 * spring-security-core on the module path), Spring Session ({@code dev.minoro.spring.session}, which needs
 * spring-session-core), Spring Boot's auto-configuration ({@code dev.minoro.spring.boot}) and
 * Vert.x ({@code dev.minoro.vertx}, which needs vertx-core and vertx-auth-common); Micrometer metrics and
 * observations need micrometer-core or micrometer-observation only when configured. {@code dev.minoro.internal} and
 * its subpackages stay inside.
 */
module dev.minoro {
    requires transitive org.jspecify;
    requires transitive org.reactivestreams;
    requires transitive r2dbc.spi;
    requires transitive reactor.core;

    requires com.fasterxml.jackson.core;
    requires io.netty.handler;
    requires io.netty.transport;
    requires java.net.http;
    requires java.sql;
    requires org.bouncycastle.provider;
    requires org.slf4j;
    requires org.xerial.sqlitejdbc;
    requires r2dbc.pool;
    requires r2dbc.postgresql;
    requires reactor.netty.core;
    requires reactor.pool;

    requires static transitive spring.security.core;
    requires static transitive spring.session.core;
    requires static transitive io.vertx.core;
    requires static transitive io.vertx.auth.common;
    requires static transitive spring.beans;
    requires static transitive spring.boot;
    requires static transitive spring.boot.autoconfigure;
    requires static transitive spring.boot.health;
    requires static transitive spring.context;
    requires static transitive spring.core;
    // Micrometer: MinoroConfig.Builder#meterRegistry and #observationRegistry name its types; only
    // dev.minoro.internal.metrics uses them, and only when one was called.
    requires static transitive micrometer.core;
    requires static transitive micrometer.observation;
    requires static micrometer.commons;

    exports dev.minoro;
    exports dev.minoro.libsql;
    exports dev.minoro.spring;
    exports dev.minoro.spring.boot;
    exports dev.minoro.spring.session;
    exports dev.minoro.vertx;
    exports dev.minoro.sqlite;

    provides io.r2dbc.spi.ConnectionFactoryProvider with
            dev.minoro.sqlite.SqliteConnectionFactoryProvider,
            dev.minoro.libsql.LibsqlConnectionFactoryProvider;
}
