package dev.minoro;

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
        "postgres://u@h/db?password=s3cr3t&sslmode=require | postgres://u@h/db?password=****&sslmode=require",
        "r2dbc:pool:postgresql://u:s3cr3t@h:5432/db        | r2dbc:pool:postgresql://u:****@h:5432/db",
        "postgres://u@h:5432/db?application_name=a         | postgres://u@h:5432/db?application_name=a",
        "postgres://h:5432/db                              | postgres://h:5432/db"
    })
    void masksPasswords(String connection, String masked) {
        assertEquals(masked, ConnectionSecrets.mask(connection));
    }
}
