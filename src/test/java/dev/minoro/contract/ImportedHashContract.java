package dev.minoro.contract;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.InvalidCredentialsException;
import dev.minoro.InvalidInputException;
import dev.minoro.Minoro;
import dev.minoro.NewUser;
import dev.minoro.NotFoundException;
import dev.minoro.User;
import dev.minoro.testing.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import reactor.test.StepVerifier;

/**
 * Users imported with a password hash made by another system, for every database: the hash is checked
 * against the password as that system hashed it (its UTF-8 bytes as typed, not Minoro's NFKC form), then
 * replaced by an Argon2id hash with the configured parameters; hashes far costlier than Minoro's own are
 * refused at import. Hashes are made here by the reference implementations other systems use: Spring
 * Security's encoders and Bouncy Castle's Argon2.
 */
public interface ImportedHashContract extends MinoroFixture {

    /** One password of each kind whose NFKC form has other bytes than the password as typed. */
    List<String> CHANGED_BY_NFKC = List.of(
            "ｐａｓｓｗｏｒｄ１２３",              // full-width letters and digits
            "ﬁnance-ﬂow-oﬀice",                // ligatures
            "cafe\u0301 cre\u0300me bru\u0302le\u0301e",   // decomposed accents, which NFKC composes
            "x²+y²=z², H₂O",                   // superscripts and subscripts
            "\u212Aelvin-\u2126hm-\u212Bngstrom",          // Kelvin, Ohm and Angstrom signs
            "ｶﾀｶﾅ-ﾊﾟｽﾜｰﾄﾞ",                    // half-width katakana
            "①②③-ⅫⅣ-㎏㎞",                    // circled digits, Roman numerals, squared units
            "pass\u00A0word\u2003here",        // no-break space, em space
            "\u1100\u1161\u11A8\u1102\u1165-jamo",          // conjoining Hangul jamo, which NFKC composes
            "ℌello-ℍilbert-ℕ");               // letterlike symbols

    /** The formats another system may have used, each as a function from the password to its hash. */
    private static List<Format> formats() {
        return List.of(
                new Format("bcrypt $2a$ (Spring Security)",
                        p -> new BCryptPasswordEncoder(BCryptPasswordEncoder.BCryptVersion.$2A, 4).encode(p)),
                new Format("bcrypt $2b$ (Spring Security)",
                        p -> new BCryptPasswordEncoder(BCryptPasswordEncoder.BCryptVersion.$2B, 4).encode(p)),
                new Format("bcrypt $2y$ (Spring Security)",
                        p -> new BCryptPasswordEncoder(BCryptPasswordEncoder.BCryptVersion.$2Y, 4).encode(p)),
                new Format("argon2id v1.3 (Spring Security)", p -> new Argon2PasswordEncoder(16, 32, 1, 64, 1).encode(p)),
                new Format("argon2i v1.3 (Bouncy Castle)",
                        p -> argon2(Argon2Parameters.ARGON2_i, Argon2Parameters.ARGON2_VERSION_13, p)),
                new Format("argon2d v1.3 (Bouncy Castle)",
                        p -> argon2(Argon2Parameters.ARGON2_d, Argon2Parameters.ARGON2_VERSION_13, p)),
                new Format("argon2id v1.0 (Bouncy Castle)",
                        p -> argon2(Argon2Parameters.ARGON2_id, Argon2Parameters.ARGON2_VERSION_10, p)));
    }

    /** A hash format of another system. */
    record Format(String name, Function<String, String> hash) {
    }

    private static String nfkc(String text) {
        return Normalizer.normalize(text, Normalizer.Form.NFKC);
    }

    private String storedHash(User user) {
        return sqlValue(String.class, "SELECT password_hash FROM minoro_users WHERE id = $1", user.id());
    }

    @Test
    default void everyImportedFormatVerifiesThePasswordAsTypedThenIsRehashed() {
        List<Executable> checks = new ArrayList<>();
        int n = 0;
        for (Format format : formats()) {
            for (String password : CHANGED_BY_NFKC) {
                assertNotEquals(nfkc(password), password);
                String email = "imported" + n++ + "@example.com";
                String hash = format.hash().apply(password);
                checks.add(() -> {
                    String what = format.name() + ", password " + password;
                    User user = minoro().users().create(NewUser.of(email, null).withPasswordHash(hash)).block(TIMEOUT);
                    minoro().authenticate(email, password).as(StepVerifier::create)
                            .assertNext(u -> assertEquals(user.id(), u.id(), what))
                            .expectComplete()
                            .verify(TIMEOUT);
                    assertTrue(storedHash(user).startsWith("$argon2id$v=19$m=64,t=1,p=1$"),
                            what + ": replaced at the first login by Minoro's own hash");
                    // From now on Minoro's rule holds: the password in any Unicode form.
                    minoro().authenticate(email, password).as(StepVerifier::create).expectNextCount(1)
                            .expectComplete().verify(TIMEOUT);
                    minoro().authenticate(email, nfkc(password)).as(StepVerifier::create).expectNextCount(1)
                            .expectComplete().verify(TIMEOUT);
                });
            }
        }
        assertAll(checks);
    }

    /**
     * {@code changePasswordHash} stores a hash of each imported format for an existing user (as Spring Security's
     * password service does): the old password stops working, the new one logs in and is then rehashed; a hash Minoro cannot check, a null one and an unknown user are refused and change nothing.
     */
    @Test
    default void changePasswordHashStoresAnImportedHashForAnExistingUser() {
        List<Executable> checks = new ArrayList<>();
        int n = 0;
        for (Format format : formats()) {
            String email = "changed-hash" + n++ + "@example.com";
            String password = "a changed password " + n;
            checks.add(() -> {
                User user = user(email);
                minoro().users().changePasswordHash(user.id(), format.hash().apply(password)).block(TIMEOUT);
                minoro().authenticate(email, TestConfigs.PASSWORD).as(StepVerifier::create)
                        .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
                minoro().authenticate(email, password).as(StepVerifier::create).expectNextCount(1).expectComplete()
                        .verify(TIMEOUT);
                assertTrue(storedHash(user).startsWith("$argon2id$v=19$m=64,t=1,p=1$"), format.name());
            });
        }
        assertAll(checks);
        User user = user("changed-hash-refused@example.com");
        String before = storedHash(user);
        for (String refused : new String[] {"{bcrypt}" + formats().get(0).hash().apply("x-password"),
                "$pbkdf2-sha256$29000$c2FsdA$aGFzaA", "plain text", ""}) {
            minoro().users().changePasswordHash(user.id(), refused).as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertTrue(e instanceof InvalidInputException, e::toString);
                        assertTrue(refused.isEmpty() || !e.getMessage().contains(refused), e::getMessage);
                    })
                    .verify(TIMEOUT);
        }
        minoro().users().changePasswordHash(user.id(), null).as(StepVerifier::create)
                .expectError(InvalidInputException.class).verify(TIMEOUT);
        minoro().users().changePasswordHash(java.util.UUID.randomUUID(), formats().get(0).hash().apply("x-password"))
                .as(StepVerifier::create).expectError(NotFoundException.class).verify(TIMEOUT);
        assertEquals(before, storedHash(user), "a refused hash changed nothing");
    }

    @Test
    default void anImportedHashIsNeverMatchedByAnotherPasswordAndKeepsItsHashUntilTheRightOne() {
        List<Executable> checks = new ArrayList<>();
        int n = 0;
        for (Format format : formats()) {
            String password = CHANGED_BY_NFKC.get(n % CHANGED_BY_NFKC.size());
            String email = "kept" + n++ + "@example.com";
            String hash = format.hash().apply(password);
            checks.add(() -> {
                String what = format.name() + ", password " + password;
                User user = minoro().users().create(NewUser.of(email, null).withPasswordHash(hash)).block(TIMEOUT);
                String stored = storedHash(user);
                // The NFKC form is another password to the system that made the hash.
                for (String wrong : List.of(nfkc(password), password + "x", "x" + password)) {
                    minoro().authenticate(email, wrong).as(StepVerifier::create)
                            .expectErrorSatisfies(e -> assertInstanceOf(InvalidCredentialsException.class, e, what))
                            .verify(TIMEOUT);
                    minoro().users().unlock(user.id()).block(TIMEOUT);
                }
                assertEquals(stored, storedHash(user), what + ": a failed login leaves the hash alone");
            });
        }
        assertAll(checks);
    }

    /** A system that normalised passwords itself before hashing: the NFKC form is tried as well. */
    @Test
    default void aHashOfTheNormalisedPasswordVerifiesTheTypedForm() {
        List<Executable> checks = new ArrayList<>();
        int n = 0;
        for (Format format : formats()) {
            String password = CHANGED_BY_NFKC.get(n % CHANGED_BY_NFKC.size());
            String email = "normalised" + n++ + "@example.com";
            String hash = format.hash().apply(nfkc(password));
            checks.add(() -> {
                minoro().users().create(NewUser.of(email, null).withPasswordHash(hash)).block(TIMEOUT);
                minoro().authenticate(email, password).as(StepVerifier::create).expectNextCount(1).expectComplete()
                        .verify(TIMEOUT);
            });
        }
        assertAll(checks);
    }

    /** Reference vectors made by libxcrypt (through Python's crypt module) from the raw UTF-8 bytes. */
    @Test
    default void bcryptVectorsOfAnotherImplementationVerify() {
        List<String[]> vectors = List.of(
                new String[] {"ｐａｓｓｗｏｒｄ", "$2b$04$abcdefghijklmnopqrstuunI.MiM8.VawfJ2K2Yj3h752wdXuYRIC"},
                new String[] {"ﬁnance", "$2y$04$abcdefghijklmnopqrstuu60/DwhtA5XD1OH83ISG61eMVzn0iXRy"},
                new String[] {"cafe\u0301", "$2a$04$abcdefghijklmnopqrstuuOPx4tXEYeRQ0j5wdqjQ2bd8EqDyvq5e"});
        int n = 0;
        for (String[] vector : vectors) {
            String email = "vector" + n++ + "@example.com";
            minoro().users().create(NewUser.of(email, null).withPasswordHash(vector[1])).block(TIMEOUT);
            minoro().authenticate(email, vector[0]).as(StepVerifier::create).expectNextCount(1).expectComplete()
                    .verify(TIMEOUT);
        }
    }

    /**
     * Costs far above Minoro's own (by default at most 8 times the memory and the work of a hash with the
     * configured parameters, or OWASP's when those are cheaper, at most 8 times its lanes, and bcrypt at
     * most cost 13) are refused at import, before anything is hashed.
     */
    @Test
    default void importedHashesFarCostlierThanMinorosOwnAreRefused() {
        String tail = "$c29tZXNhbHRzb21lc2FsdA$" + "A".repeat(43);
        String bcryptTail = "$" + "C".repeat(53);
        List<String[]> refused = List.of(
                new String[] {"$argon2id$v=19$m=1048576,t=1,p=1" + tail,
                    "the Argon2 memory m=1048576 KiB is above the 155648 KiB allowed"},
                new String[] {"$argon2id$v=19$m=156672,t=1,p=1" + tail,
                    "the Argon2 memory m=156672 KiB is above the 155648 KiB allowed"},
                new String[] {"$argon2i$v=19$m=65536,t=5,p=1" + tail,
                    "the Argon2 work m*t=327680 KiB is above the 311296 KiB allowed"},
                new String[] {"$argon2d$v=19$m=4096,t=2,p=9" + tail, "the Argon2 lanes p=9 are above the 8 allowed"},
                new String[] {"$2b$14" + bcryptTail, "the bcrypt cost 14 is above the 13 allowed"},
                new String[] {"$2a$31" + bcryptTail, "the bcrypt cost 31 is above the 13 allowed"});
        for (String[] hash : refused) {
            minoro().users().create(NewUser.of("costly@example.com", null).withPasswordHash(hash[0]))
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e, hash[0]);
                        assertTrue(e.getMessage().startsWith("passwordHash cannot be used: " + hash[1]),
                                e.getMessage());
                        assertTrue(e.getMessage().contains("importedHashCostFactor"), e.getMessage());
                        assertTrue(!e.getMessage().contains("c29tZX"), e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
        minoro().users().count().as(StepVerifier::create).expectNext(0L).verifyComplete();
        // At the limits: accepted (no hash is computed at import).
        int n = 0;
        for (String hash : List.of("$argon2id$v=19$m=155648,t=2,p=8" + tail, "$argon2i$v=19$m=8192,t=38,p=1" + tail,
                "$2y$13" + bcryptTail)) {
            minoro().users().create(NewUser.of("limit" + n++ + "@example.com", null).withPasswordHash(hash))
                    .as(StepVerifier::create).expectNextCount(1).verifyComplete();
        }
        // A larger factor lets them in.
        Minoro lenient = another(b -> b.importedHashCostFactor(64));
        lenient.users().create(NewUser.of("costly@example.com", null)
                        .withPasswordHash("$argon2id$v=19$m=1048576,t=1,p=1" + tail))
                .as(StepVerifier::create).expectNextCount(1).verifyComplete();
    }

    /** Argon2 by Bouncy Castle, as a system that encodes the password as UTF-8 writes it in a PHC string. */
    private static String argon2(int type, int version, String password) {
        byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(type).withVersion(version).withMemoryAsKB(64)
                .withIterations(2).withParallelism(1).withSalt(salt).build());
        byte[] hash = new byte[32];
        generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), hash);
        String name = type == Argon2Parameters.ARGON2_id ? "argon2id" : type == Argon2Parameters.ARGON2_i
                ? "argon2i" : "argon2d";
        Base64.Encoder base64 = Base64.getEncoder().withoutPadding();
        return "$" + name + (version == Argon2Parameters.ARGON2_VERSION_13 ? "$v=19" : "") + "$m=64,t=2,p=1$"
                + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }
}
