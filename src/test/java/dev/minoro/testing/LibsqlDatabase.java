package dev.minoro.testing;

import dev.minoro.libsql.LibsqlConnectionConfiguration;
import dev.minoro.libsql.LibsqlConnectionFactory;

/**
 * A libSQL database for a test, from {@link LibsqlServer}: its URL ({@code http://127.0.0.1:port}) and what
 * serves it. Closing it stops the sqld process that serves only it.
 */
public final class LibsqlDatabase implements AutoCloseable {

    private final String url;
    private final String description;
    private final Runnable stop;

    LibsqlDatabase(String url, String description, Runnable stop) {
        this.url = url;
        this.description = description;
        this.stop = stop;
    }

    public String url() {
        return url;
    }

    /** The R2DBC URL of the database: {@code r2dbc:libsql://127.0.0.1:port?tls=false}. */
    public String r2dbcUrl() {
        return "r2dbc:libsql://" + url.substring(url.indexOf("://") + 3) + (url.startsWith("https") ? "" : "?tls=false");
    }

    /** A configuration builder for the database, without a token. */
    public LibsqlConnectionConfiguration.Builder configuration() {
        return LibsqlConnectionConfiguration.builder().url(url);
    }

    /** A connection factory for the database, without a token; close it after use. */
    public LibsqlConnectionFactory factory() {
        return new LibsqlConnectionFactory(configuration().build());
    }

    public String description() {
        return description;
    }

    @Override
    public void close() {
        stop.run();
    }

    @Override
    public String toString() {
        return "LibsqlDatabase{" + url + ", " + description + "}";
    }
}
