package dev.minoro.sqlite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link ConnectionSecrets#mask}: whatever could be a password or a token in any text that may be a connection string. */
final class ConnectionSecretsTests {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "postgres://u:s3cr3t@h/db                          | postgres://u:****@h/db",
        "postgresql://u:s3%40cr3t@h:5432/db?sslmode=require | postgresql://u:****@h:5432/db?sslmode=require",
        "postgres://u:s3@cr/t?3t@h/db                      | postgres://u:****@h/db",
        "postgres://u@h/db?password=s3cr3t&sslmode=require | postgres://u@h/db?password=****",
        "r2dbc:pool:postgresql://u:s3cr3t@h:5432/db        | r2dbc:pool:postgresql://u:****@h:5432/db",
        "postgres://u@h:5432/db?application_name=a         | postgres://u@h:5432/db?application_name=a",
        "postgres://h:5432/db                              | postgres://h:5432/db",
        // text without a scheme, a '://' or an '@' in a password, secrets in key-value lists and libSQL queries
        "u:s3cr3t@h/db                                     | ****@h/db",
        "u:s3://cr3t@h/db                                  | ****@h/db",
        "host=h password=s3cr3t dbname=d                   | host=h password=****",
        "Host=h;Password=s3cr3t;Database=d                 | Host=h;Password=****",
        "jdbc:sqlite:a.db?password=s3 cr3t                 | jdbc:sqlite:a.db?password=****",
        "libsql://h:8080?authToken=s3@cr/3t               | libsql://****",
        "libsql://h?authToken=s3;cr3t&tls=1                | libsql://h?authToken=****",
        "libsql://h?authToken=a.b.c&tls=1                  | libsql://h?authToken=****&tls=1",
        "jdbc:postgresql://h/db?password=&s3cr3t@x         | jdbc:postgresql://h/db?password=****",
        "file:/tmp/a.db?key=s3@cr3t                        | file:/tmp/a.db?key=****",
        "r2dbc:postgresql://u@h/db?sslPassword=s3;cr3t&a=b | r2dbc:postgresql://u@h/db?sslPassword=****",
        // user information without ':' is a token pasted there, unless the form puts a user name there
        "app://s3cr3t@h/db                                 | app://****@h/db",
        "APP://s3/cr3t@h/db                                | APP://****@h/db",
        "https://s3cr3t@h:8080                             | https://****@h:8080",
        "libsql://s3@cr3t@h                                | libsql://****@h",
        "jdbc:postgresql://u:s3cr3t@h/db                   | jdbc:postgresql://u:****@h/db",
        "app://s3:cr3t@h/db                                | app://****@h/db",
        "mysql://s3cr3t@h:3306/db                          | mysql://****@h:3306/db",
        "s3cr3t@h/db                                       | ****@h/db",
        "postgres://u@h/db                                 | postgres://u@h/db",
        "r2dbc:pool:postgresql://u@h/db                    | r2dbc:pool:postgresql://u@h/db",
        "file:/tmp/a@b.db                                  | file:/tmp/a@b.db"
    })
    void masksPasswords(String connection, String masked) {
        assertEquals(masked, ConnectionSecrets.mask(connection));
    }

    /** {@link ConnectionSecrets#masked}: a valid connection string, masked where its form puts the secrets. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "libsql://h:8080?authToken=s3@cr/3t                | libsql://h:8080?authToken=****",
        "https://h?tls=1&authToken=s3cr3t                  | https://h?tls=1&authToken=****",
        "postgresql://u@h/db?password=s3;cr3t&sslmode=require | postgresql://u@h/db?password=****&sslmode=require",
        "r2dbc:postgresql://u:s3%40cr3t@h/db?applicationName=a@b | r2dbc:postgresql://u:****@h/db?applicationName=a@b"
    })
    void masksAValidConnectionWhereItsFormPutsTheSecrets(String connection, String masked) {
        assertEquals(masked, ConnectionSecrets.masked(connection));
    }

    /** {@link ConnectionSecrets#withoutQuery}: for messages about a connection whose query is not wanted. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "file:/tmp/a.db?key=s3cr3t                         | file:/tmp/a.db?…",
        "file:/tmp/a.db#s3cr3t                             | file:/tmp/a.db?…",
        "https://app:s3?cr3t@h                             | https://****?…",
        "https://app:s3@cr3t@h?x=1                         | https://****@h?…",
        "libsql://h:8080?authToken=s3@cr3t&cr3t            | libsql://****?…",
        "postgres://u:s3cr3t@h/db                          | postgres://u:****@h/db",
        "file://app:s3cr3t@server/a.db                     | file://****@server/a.db",
        "libsql://s3cr3t@h?authToken=x                     | libsql://****@h?…",
        "app://s3?cr3t@h/db                                | app://****?…",
        "postgres://u@h/db?application_name=a@b            | postgres://u@h/db?…"
    })
    void dropsTheQuery(String connection, String shown) {
        assertEquals(shown, ConnectionSecrets.withoutQuery(connection));
    }

    /**
     * {@link ConnectionSecrets#withoutTokens}: a server's message that may echo the Authorization header, or a URL
     * (a statement's error quotes what the statement named).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "token s3cr3t-x refused                            | token **** refused",
        "bad header: Bearer abc.def                        | bad header: Bearer ****",
        "bad header: BEARER abc,def                        | bad header: BEARER ****,def",
        "refused eyJhbGciOi.eyJhIjoi.c2ln for db           | refused **** for db",
        "sqld 0.24.1 refused it                            | sqld 0.24.1 refused it",
        "no such table: libsql://h.io?authToken=abc&x=1    | no such table: libsql://h.io?authToken=****",
        "no such table: https://abc@h.io/v3 (SQLITE_ERROR) | no such table: https://****@h.io/v3 (SQLITE_ERROR)",
        "see postgres://app:pw@db:5432/auth for details    | see postgres://app:****@db:5432/auth for details",
        "'r2dbc:pool:postgresql://u:pw@h/d' refused        | 'r2dbc:pool:postgresql://u:****@h/d' refused",
        "no such table: http://127.0.0.1:8080/v3/pipeline  | no such table: http://127.0.0.1:8080/v3/pipeline"
    })
    void masksTokensInAServerMessage(String message, String masked) {
        assertEquals(masked, ConnectionSecrets.withoutTokens(message, "s3cr3t-x"));
    }
}
