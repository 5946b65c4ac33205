package dev.minoro.examples.webflux;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code minoro.*} settings of application.yml, which reads the connection from {@code DATABASE_URL}.
 *
 * @param databaseType    {@code sqlite} (the default) or {@code postgres} (the {@code postgres} profile)
 * @param databaseUrl     {@code file:app.db} for SQLite, {@code postgres://user:pass@host:5432/db} for PostgreSQL
 * @param bootTimeout     how long startup waits for Minoro to connect and migrate
 * @param maxFailedLogins failed logins in a row that lock an account
 * @param lockoutDuration how long a locked account stays locked
 * @param adminEmail      if set, an account with this email and {@code adminPassword} gets the admin role
 * @param adminPassword   the bootstrap admin's password, used only when the account does not exist yet
 */
@ConfigurationProperties("minoro")
public record MinoroProperties(
        @DefaultValue("sqlite") String databaseType,
        @DefaultValue("file:minoro-webflux.db") String databaseUrl,
        @DefaultValue("60s") Duration bootTimeout,
        @DefaultValue("5") int maxFailedLogins,
        @DefaultValue("15m") Duration lockoutDuration,
        String adminEmail,
        String adminPassword) {

    /** Never shows the admin password nor a password inside the database URL. */
    @Override
    public String toString() {
        return "MinoroProperties{databaseType=" + databaseType + ", bootTimeout=" + bootTimeout
                + ", maxFailedLogins=" + maxFailedLogins + ", lockoutDuration=" + lockoutDuration
                + ", adminEmail=" + adminEmail + '}';
    }
}
