package dev.minoro.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.DuplicateEmailException;
import dev.minoro.DuplicateRoleException;
import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;
import dev.minoro.NewUser;
import dev.minoro.Role;
import dev.minoro.User;
import dev.minoro.testing.ReliabilityFigures;
import dev.minoro.testing.TestConfigs;
import java.text.Normalizer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.jspecify.annotations.Nullable;

/**
 * Generated bad input (issue 9, suite item 6), as jqwik properties that each database's subclass runs: emails,
 * display names, role names, descriptions, permissions and passwords drawn from every Unicode normalisation form,
 * control and format characters, unpaired surrogates, SQL metacharacters, blanks and very long strings. Every call
 * either succeeds and reads back exactly what was given, or fails with one of the Minoro exceptions that name bad
 * input ({@link #EXPECTED}); never with a driver's or another exception (a {@code DatabaseException} counts as a
 * failure: the input reached the database and broke there), and a refused call writes nothing.
 */
abstract class GeneratedInputProperties {

    static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** The failures that answer bad input. */
    static final Set<Class<?>> EXPECTED = Set.of(InvalidInputException.class, DuplicateEmailException.class,
            DuplicateRoleException.class, InvalidCredentialsException.class);

    /** Pieces that generated text is made of: each a kind of trouble. */
    private static final List<String> PIECES = List.of(
            "a", "Z", "0", "alice", ".", "-", "_", "+", "@", " ", "  ", "\t", "\n", "\r\n", "",
            // SQL metacharacters and injection attempts
            "'", "''", "\"", ";", "--", "/*", "*/", "\\", "%", "?", "$1", ":name", "' OR '1'='1", "'); DROP TABLE minoro_users; --",
            // controls, NUL and DEL
            "\u0000", "\u0001", "\u001B", "\u007F", "\u0085",
            // format characters: zero-width space, joiners, soft hyphen, BOM, bidi override, tag
            "\u200B", "\u200C", "\u200D", "\u00AD", "\uFEFF", "\u202E", "\u2066", "\uDB40\uDC41",
            // composed and decomposed accents, compatibility characters
            "\u00E9", "e\u0301", "\u212A", "\uFB01", "\uFF20", "\uFF41", "\u00B2", "\u2460", "\uFF76", "\u0130", "\u00DF",
            // astral characters, emoji sequences, unpaired surrogates
            "\uD83D\uDE00", "\uD83D\uDC69\u200D\uD83D\uDCBB", "\uD83C\uDFF4\uDB40\uDC67\uDB40\uDC62\uDB40\uDC73\uDB40\uDC63\uDB40\uDC74\uDB40\uDC7F",
            "\uD800", "\uDC00", "\uDBFF", "\uDFFF",
            // other scripts
            "\u0416", "\u4E2D", "\u0645", "\u05D0", "\u0915\u094D\u0937");

    /** How each kind of call ended, across the run: written to RELIABILITY.md by {@link #report}. */
    private static final Map<String, AtomicLong> OUTCOMES = new ConcurrentHashMap<>();

    private static final AtomicLong UNIQUE = new AtomicLong();

    /** The instance under test, made on first use; closed by {@link #close}. */
    private static @Nullable Minoro minoro;
    private static @Nullable String target;

    /** Boots Minoro on this subclass's database, once per class. */
    static synchronized Minoro minoro(String name, Supplier<DatabaseConfig> database) {
        if (minoro == null) {
            MinoroConfig config = TestConfigs.fast(database.get(), Clock.systemUTC()).toBuilder()
                    .maxFailedLogins(1_000_000)
                    .build();
            minoro = Minoro.create(config).block(TIMEOUT);
            target = name;
            OUTCOMES.clear();
        }
        return minoro;
    }

    abstract Minoro minoro();

    @AfterContainer
    static synchronized void close() {
        if (minoro != null) {
            report();
            minoro.close().block(TIMEOUT);
            minoro = null;
        }
    }

    private static void report() {
        Map<String, Long> outcomes = new TreeMap<>();
        OUTCOMES.forEach((k, v) -> outcomes.put(k, v.get()));
        ReliabilityFigures.record("6 generated bad input", String.valueOf(target),
                "jqwik 1.10.1, 6 properties x 250 tries: create user, update profile, change password, create role,"
                        + " grant permission, lookups and logins with arbitrary text",
                "every call succeeded and read back exactly, or failed with a Minoro input exception, nothing"
                        + " written; outcomes " + outcomes);
    }

    // ---- generators ----

    @Provide
    Arbitrary<String> text() {
        Arbitrary<String> pieces = Arbitraries.of(PIECES).list().ofMaxSize(12).map(list -> String.join("", list));
        Arbitrary<String> anyChars = Arbitraries.strings().all().ofMaxLength(24);
        Arbitrary<String> longText = Arbitraries.of(PIECES).filter(p -> !p.isEmpty())
                .flatMap(piece -> Arbitraries.integers().between(60, 5000).map(piece::repeat));
        Arbitrary<String> text = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, pieces), net.jqwik.api.Tuple.of(3, anyChars),
                net.jqwik.api.Tuple.of(1, longText));
        return text.flatMap(s -> Arbitraries.of(Normalizer.Form.values()).injectNull(0.5)
                .map(form -> form == null ? s : Normalizer.normalize(s, form)));
    }

    @Provide
    Arbitrary<String> email() {
        Arbitrary<String> plain = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(10);
        Arbitrary<String> wellFormed = plain.map(local -> local + "-" + UNIQUE.incrementAndGet() + "@example.com");
        Arbitrary<String> local = text().map(t -> t + UNIQUE.incrementAndGet());
        Arbitrary<String> oddLocal = local.map(l -> l + "@example.com");
        Arbitrary<String> oddDomain = text().map(d -> "p" + UNIQUE.incrementAndGet() + "@" + d);
        return Arbitraries.oneOf(wellFormed, oddLocal, oddDomain, text());
    }

    @Provide
    Arbitrary<String> password() {
        return Arbitraries.oneOf(text(), text().map(t -> "Passw0rd-" + t));
    }

    @Provide
    Arbitrary<String> name() {
        return Arbitraries.oneOf(text(), text().map(t -> "role-" + t + "-" + UNIQUE.incrementAndGet()));
    }

    // ---- the properties ----

    @Property(tries = 250)
    void createdUsersReadBackExactlyOrAreRefusedWithoutAWrite(@ForAll("email") String email,
            @ForAll("text") @Nullable String displayName, @ForAll("password") String password) {
        Minoro minoro = minoro();
        long before = minoro.users().count().block(TIMEOUT);
        User created = call("create user", () -> minoro.users().create(NewUser.of(email, password)
                .withDisplayName(displayName)).block(TIMEOUT));
        if (created == null) {
            assertEquals(before, minoro.users().count().block(TIMEOUT), "a refused create wrote a user");
            return;
        }
        assertEquals(email, created.email());
        assertEquals(displayName, created.displayName());
        User read = minoro.users().findById(created.id()).block(TIMEOUT);
        assertEquals(email, read.email());
        assertEquals(displayName, read.displayName());
        assertEquals(created.id(), minoro.users().findByEmail(email).block(TIMEOUT).id());
        assertEquals(created.id(), minoro.authenticate(email, password).block(TIMEOUT).id());
    }

    @Property(tries = 250)
    void profileUpdatesReadBackExactlyOrLeaveTheUserAsItWas(@ForAll("email") String email,
            @ForAll("text") @Nullable String displayName) {
        Minoro minoro = minoro();
        User user = minoro.users().create(NewUser.of("profile-" + UNIQUE.incrementAndGet() + "@example.com", null)
                .withDisplayName("before")).block(TIMEOUT);
        User updated = call("update profile", () -> minoro.users().updateProfile(user.id(), user.version(), email,
                displayName).block(TIMEOUT));
        User read = minoro.users().findById(user.id()).block(TIMEOUT);
        if (updated == null) {
            assertEquals(user, read, "a refused update changed the user");
            return;
        }
        assertEquals(email, read.email());
        assertEquals(displayName, read.displayName());
        assertEquals(updated, read);
    }

    @Property(tries = 250)
    void passwordsWorkExactlyAsGivenOrAreRefusedKeepingTheOldOne(@ForAll("password") String password) {
        Minoro minoro = minoro();
        String email = "password-" + UNIQUE.incrementAndGet() + "@example.com";
        User user = minoro.users().create(NewUser.of(email, TestConfigs.PASSWORD)).block(TIMEOUT);
        Boolean changed = call("change password", () -> {
            minoro.users().changePassword(user.id(), password).block(TIMEOUT);
            return Boolean.TRUE;
        });
        String current = changed == null ? TestConfigs.PASSWORD : password;
        assertEquals(user.id(), minoro.authenticate(email, current).block(TIMEOUT).id());
        if (changed != null && !password.equals(TestConfigs.PASSWORD)) {
            call("login with the old password", () -> minoro.authenticate(email, TestConfigs.PASSWORD).block(TIMEOUT));
        }
    }

    @Property(tries = 250)
    void rolesReadBackExactlyOrAreRefusedWithoutAWrite(@ForAll("name") String name,
            @ForAll("text") @Nullable String description) {
        Minoro minoro = minoro();
        long before = minoro.roles().count().block(TIMEOUT);
        Role created = call("create role", () -> minoro.roles().create(name, description).block(TIMEOUT));
        if (created == null) {
            assertEquals(before, minoro.roles().count().block(TIMEOUT), "a refused create wrote a role");
            return;
        }
        assertEquals(name, created.name());
        assertEquals(description, created.description());
        Role read = minoro.roles().findByName(name).block(TIMEOUT);
        assertEquals(created.id(), read.id());
        assertEquals(name, read.name());
        assertEquals(description, read.description());
    }

    @Property(tries = 250)
    void permissionsReadBackExactlyOrAreRefusedWithoutAWrite(@ForAll("name") String permission) {
        Minoro minoro = minoro();
        String role = "perm-role-" + UNIQUE.incrementAndGet();
        minoro.roles().create(role, null).block(TIMEOUT);
        Boolean granted = call("grant permission", () -> {
            minoro.roles().grantPermission(role, permission).block(TIMEOUT);
            return Boolean.TRUE;
        });
        List<String> read = minoro.roles().permissionsOfRole(role).collectList().block(TIMEOUT);
        assertEquals(granted == null ? List.of() : List.of(permission), read);
        User user = minoro.users().create(NewUser.of(role + "@example.com", null)).block(TIMEOUT);
        minoro.roles().assign(user.id(), role).block(TIMEOUT);
        Boolean has = call("has permission", () -> minoro.roles().hasPermission(user.id(), permission).block(TIMEOUT));
        assertTrue(has == null ? granted == null : has == (granted != null), "hasPermission " + has);
    }

    @Property(tries = 250)
    void lookupsAndLoginsWithArbitraryTextFindNothingOrFailAsBadInput(@ForAll("email") String email,
            @ForAll("password") String password, @ForAll("name") String name) {
        Minoro minoro = minoro();
        long users = minoro.users().count().block(TIMEOUT);
        call("find by email", () -> minoro.users().findByEmail(email).block(TIMEOUT));
        call("authenticate", () -> minoro.authenticate(email, password).block(TIMEOUT));
        call("find role", () -> minoro.roles().findByName(name).block(TIMEOUT));
        call("members of", () -> minoro.roles().membersOf(name).collectList().block(TIMEOUT));
        assertEquals(users, minoro.users().count().block(TIMEOUT), "a lookup wrote");
    }

    /**
     * Runs {@code work}: its value when it succeeds, null when it fails with an {@link #EXPECTED} exception (whose
     * message must say something); any other failure fails the property.
     */
    private static <T> @Nullable T call(String what, Supplier<@Nullable T> work) {
        try {
            T value = work.get();
            OUTCOMES.computeIfAbsent(what + ": ok", k -> new AtomicLong()).incrementAndGet();
            return value;
        } catch (RuntimeException e) {
            if (!EXPECTED.contains(e.getClass())) {
                throw new AssertionError(what + " failed with " + e.getClass().getName() + ", not a Minoro input"
                        + " exception: " + e.getMessage(), e);
            }
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), what + ": " + e.getClass());
            OUTCOMES.computeIfAbsent(what + ": " + e.getClass().getSimpleName(), k -> new AtomicLong())
                    .incrementAndGet();
            return null;
        }
    }

    static String outcomes() {
        return OUTCOMES.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }
}
