package dev.minoro.testing;

import dev.minoro.DatabaseConfig;
import dev.minoro.DatabaseType;
import dev.minoro.Minoro;
import dev.minoro.NewSession;
import dev.minoro.NewUser;
import dev.minoro.Session;
import dev.minoro.SessionOptions;
import dev.minoro.User;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.TimeZone;
import org.jspecify.annotations.Nullable;

/**
 * A child JVM's main for {@code DefaultEnvironmentIntegrationTests}: boots Minoro under whatever default locale,
 * time zone and charset its JVM was started with, on a clock fixed at {@link #NOW}, and checks that what it
 * writes reads back exactly. Arguments: database type, connection, a file for the session token, and
 * {@code write} (boots, migrating a new database; creates a user with non-ASCII text and password and a session,
 * and keeps the token in the file) or {@code read} (boots, and reads back the user, the session and a login,
 * whatever environment wrote them). Prints {@code environment ok} when every check held; fails otherwise.
 */
public final class EnvironmentProcess {

    /** In a daylight-saving change of most European zones, with milliseconds. */
    static final Instant NOW = Instant.parse("2026-03-29T01:30:00.123Z");
    static final String EMAIL = "irem.ince@example.com";
    static final String DISPLAY_NAME = "İrem Ínce, Ωmega ☃ 𝄞 ٣ ๓";
    static final String PASSWORD = "Pässwörd İı ☃ 𝄞 correct horse";

    private EnvironmentProcess() {
    }

    public static void main(String[] args) throws Exception {
        BlockHoundSession.install();
        DatabaseConfig database = DatabaseConfig.of(DatabaseType.valueOf(args[0]), args[1]);
        Path tokenFile = Path.of(args[2]);
        Duration timeout = Duration.ofMinutes(2);
        Minoro minoro = Minoro.create(TestConfigs.fast(database, Clock.fixed(NOW, ZoneOffset.UTC))).block(timeout);
        try {
            if (args[3].equals("write")) {
                User created = minoro.users().create(NewUser.of(EMAIL, PASSWORD).withDisplayName(DISPLAY_NAME))
                        .block(timeout);
                check(created);
                NewSession session = minoro.sessions().create(created.id(), SessionOptions.defaults()).block(timeout);
                check(Objects.requireNonNull(session).session(), created);
                Files.writeString(tokenFile, session.token(), StandardCharsets.UTF_8);
            }
            User found = minoro.users().findByEmail(EMAIL).block(timeout);
            check(found);
            Session validated = minoro.sessions().validate(Files.readString(tokenFile, StandardCharsets.UTF_8))
                    .block(timeout);
            check(validated, found);
            check(minoro.authenticate(EMAIL, PASSWORD).block(timeout));
            System.out.println("environment ok");
        } finally {
            minoro.close().block(timeout);
        }
    }

    private static void check(@Nullable User user) {
        require(user != null, "no user");
        require(user.email().equals(EMAIL), "email " + user.email());
        require(DISPLAY_NAME.equals(user.displayName()), "display name " + user.displayName());
        require(user.createdAt().equals(NOW), "created at " + user.createdAt());
    }

    private static void check(@Nullable Session session, User user) {
        require(session != null, "no session");
        require(session.userId().equals(user.id()), "session of " + session.userId());
        require(session.createdAt().equals(NOW), "session created at " + session.createdAt());
        require(session.expiresAt() != null && session.expiresAt().isAfter(NOW),
                "session expires at " + session.expiresAt());
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("under " + Locale.getDefault() + ", " + TimeZone.getDefault().getID() + ", "
                    + Charset.defaultCharset() + ": " + what);
        }
    }
}
