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
import java.util.Map;
import java.util.function.Function;
import java.security.GeneralSecurityException;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.generators.SCrypt;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.crypto.password.Pbkdf2PasswordEncoder;
import org.springframework.security.crypto.scrypt.SCryptPasswordEncoder;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import dev.minoro.testing.HashingGate;
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
                        p -> argon2(Argon2Parameters.ARGON2_id, Argon2Parameters.ARGON2_VERSION_10, p)),
                new Format("PBKDF2-HMAC-SHA256 PHC with i= and l= (the JDK)", p -> "$pbkdf2-sha256$i=1000,l=32$"
                        + PHC_BASE64.encodeToString(SALT) + "$" + PHC_BASE64.encodeToString(jdkPbkdf2(256, p, SALT, 1000, 32))),
                new Format("PBKDF2-HMAC-SHA512 PHC with i= (the JDK)", p -> "$pbkdf2-sha512$i=800$"
                        + PHC_BASE64.encodeToString(SALT) + "$" + PHC_BASE64.encodeToString(jdkPbkdf2(512, p, SALT, 800, 64))),
                new Format("PBKDF2-HMAC-SHA256 in passlib's form (the JDK)", p -> "$pbkdf2-sha256$1200$"
                        + passlib(SALT) + "$" + passlib(jdkPbkdf2(256, p, SALT, 1200, 32))),
                new Format("Django pbkdf2_sha256 (the JDK)", p -> "pbkdf2_sha256$1000$djangosalt42$" + Base64.getEncoder()
                        .encodeToString(jdkPbkdf2(256, p, "djangosalt42".getBytes(StandardCharsets.US_ASCII), 1000, 32))),
                new Format("Django pbkdf2_sha1 (the JDK)", p -> "pbkdf2_sha1$1000$djangosalt42$" + Base64.getEncoder()
                        .encodeToString(jdkPbkdf2(1, p, "djangosalt42".getBytes(StandardCharsets.US_ASCII), 1000, 20))),
                new Format("scrypt PHC (Bouncy Castle)", p -> "$scrypt$ln=10,r=8,p=1$" + PHC_BASE64.encodeToString(SALT)
                        + "$" + PHC_BASE64.encodeToString(SCrypt.generate(p.getBytes(StandardCharsets.UTF_8), SALT,
                                1024, 8, 1, 32))),
                new Format("{bcrypt} (Spring Security)", p -> spring("bcrypt", new BCryptPasswordEncoder(4), p)),
                new Format("{argon2} (Spring Security)", p -> spring("argon2", new Argon2PasswordEncoder(16, 32, 1, 64, 1), p)),
                new Format("{pbkdf2}, its v5.5 defaults (Spring Security)",
                        p -> spring("pbkdf2", Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_5(), p)),
                new Format("{pbkdf2@SpringSecurity_v5_8}, base64 (Spring Security)", p -> {
                    Pbkdf2PasswordEncoder encoder = Pbkdf2PasswordEncoder.defaultsForSpringSecurity_v5_8();
                    encoder.setEncodeHashAsBase64(true);
                    return spring("pbkdf2@SpringSecurity_v5_8", encoder, p);
                }),
                new Format("{scrypt} (Spring Security)",
                        p -> spring("scrypt", new SCryptPasswordEncoder(1024, 8, 1, 32, 16), p)));
    }

    /** A fixed salt for the formats the tests write themselves. */
    byte[] SALT = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** Standard base64 without padding, as PHC strings write salts and hashes. */
    Base64.Encoder PHC_BASE64 = Base64.getEncoder().withoutPadding();

    /** passlib's "adapted" base64: {@code .} for {@code +}, no padding. */
    private static String passlib(byte[] bytes) {
        return PHC_BASE64.encodeToString(bytes).replace('+', '.');
    }

    /** PBKDF2 by the JDK's own implementation (which hashes the password's UTF-8 bytes), not Bouncy Castle's. */
    private static byte[] jdkPbkdf2(int sha, String password, byte[] salt, int iterations, int bytes) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA" + sha)
                    .generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, bytes * 8)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What Spring Security's {@code DelegatingPasswordEncoder} stores with {@code encoder} under {@code id}. */
    private static String spring(String id, PasswordEncoder encoder, String password) {
        return new DelegatingPasswordEncoder(id, Map.of(id, encoder)).encode(password);
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
        // formats Minoro does not import, a plain-text {noop} among them
        for (String refused : new String[] {"{noop}x-password", "{sha256}abc", "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/",
                "plain text", ""}) {
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
     * Reference vectors made outside Java by Python's hashlib (OpenSSL's PBKDF2 and scrypt) from the raw
     * UTF-8 bytes, and Spring Security's encoders at their own default costs.
     */
    @Test
    default void pbkdf2AndScryptVectorsOfOtherImplementationsVerify() {
        List<String[]> vectors = List.of(
                new String[] {"ｐａｓｓｗｏｒｄ１２３",
                    "pbkdf2_sha256$1000$seasalt2024abcdef$sZ/WAMNonCmaqkyAwAzJpIdECQAVELwOze/rOB0AwkU="},
                new String[] {"ﬁnance", "pbkdf2_sha1$1200$pepper12$Objvs4eNOH0QCoYp1+QF4DOl7hg="},
                new String[] {"cafe\u0301", "$pbkdf2-sha512$i=1500,l=64$AAECAwQFBgcICQoLDA0ODw$IgMtxRIzYknoJiZiGsQs"
                    + "wzb3y2qrjapKaUMLXyc+LautbKYJUH5OUALrQxP87D+32XS4vkkn8PPoFSKTSQLzsg"},
                new String[] {"x²+y²=z², H₂O",
                    "$pbkdf2-sha256$2000$AAECAwQFBgcICQoLDA0ODw$GhHCgfGjnKPKD7FGLLpb9CiolqpiSCdqZaiIs2VLwUc"},
                new String[] {"ℌello-ℍilbert-ℕ",
                    "$scrypt$ln=10,r=8,p=2$AAECAwQFBgcICQoLDA0ODw$RHvcv5lyv1GoIplXnJ8Q0CQeonTzpvKPJXDt0EoCfDc"},
                new String[] {"ｶﾀｶﾅ", spring("scrypt", SCryptPasswordEncoder.defaultsForSpringSecurity_v4_1(), "ｶﾀｶﾅ")},
                new String[] {"①②③", spring("argon2", Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8(), "①②③")});
        int n = 0;
        for (String[] vector : vectors) {
            String email = "other" + n++ + "@example.com";
            minoro().users().create(NewUser.of(email, null).withPasswordHash(vector[1])).block(TIMEOUT);
            minoro().authenticate(email, nfkc(vector[0]) + "x").as(StepVerifier::create)
                    .expectError(InvalidCredentialsException.class).verify(TIMEOUT);
            minoro().authenticate(email, vector[0]).as(StepVerifier::create).expectNextCount(1).expectComplete()
                    .verify(TIMEOUT);
        }
    }

    /**
     * Unknown and malformed hashes fail at import with {@link InvalidInputException} naming the format and
     * what is wrong, never quoting the hash; nothing is stored.
     */
    @Test
    default void unknownAndMalformedHashesAreRefusedNamingTheFormat() {
        List<String[]> refused = List.of(
                new String[] {"$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", "MD5-crypt ($1$) is not a format Minoro imports"},
                new String[] {"$6$rounds=5000$saltsalt$Zm9vYmFy", "SHA-512-crypt ($6$) is not a format Minoro imports"},
                new String[] {"{MD5}5f4dcc3b5aa765d61d8327deb882cf99", "Spring Security's {MD5} encoding is not one"},
                new String[] {"{sekrit}hunter2", "its {...} prefix, which is no Spring Security encoder Minoro knows,"},
                new String[] {"sha1$a1b2c3$8d969eef6ecad3c29a3a629280e686cf", "Django's SHA-1 (sha1$) is not a format"},
                new String[] {"hunter2$is$my$password", "it is in no format Minoro imports"},
                new String[] {"5f4dcc3b5aa765d61d8327deb882cf99", "it is in no format Minoro imports"},
                new String[] {"$pbkdf2-sha256$i=abc$c2FsdHNhbHQ$aGFzaGhhc2g", "the PBKDF2 iterations i is not a decimal"},
                new String[] {"$pbkdf2-sha384$1000$c2FsdHNhbHQ$aGFzaGhhc2g", "the PBKDF2 PHC identifier is not"},
                new String[] {"$pbkdf2-sha256$i=1000,l=16$c2FsdHNhbHQ$aGFzaGhhc2g",
                    "the PBKDF2 length l=16 is not the hash's 8 bytes"},
                new String[] {"$pbkdf2-sha256$i=0$c2FsdHNhbHQ$aGFzaGhhc2g",
                    "the PBKDF2-HMAC-SHA256 PHC iterations 0 is outside 1..2147483647"},
                new String[] {"pbkdf2_sha256$1000$salt$!!notbase64!!", "the Django PBKDF2 hash is not standard base64"},
                new String[] {"pbkdf2_sha512$1000$salt$aGFzaA==", "the Django PBKDF2 algorithm is not pbkdf2_sha256"},
                new String[] {"{pbkdf2}abcdef0123", "the Spring Security {pbkdf2} value (neither hexadecimal nor base64)"},
                new String[] {"{pbkdf2}" + "ab".repeat(48), "the Spring Security {pbkdf2} value has 72 bytes, not the 40"},
                new String[] {"$scrypt$ln=10,r=0,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", "the scrypt PHC block size r 0 is outside"},
                new String[] {"$scrypt$ln=32,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", "the scrypt PHC log2 N (ln) 32 is outside"},
                new String[] {"$scrypt$n=10,r=8,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", "the scrypt parameters are not ln="},
                new String[] {"{scrypt}$zz$c2FsdA==$aGFzaA==", "the Spring Security {scrypt} parameters are not"},
                new String[] {"{bcrypt}$2x$10$abcdefghijklmnopqrstuu", "the bcrypt hash is not $2a$, $2b$ or $2y$"},
                new String[] {"{argon2}$argon2q$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
                    "the Argon2 type is not argon2id, argon2i or argon2d"});
        for (String[] hash : refused) {
            minoro().users().create(NewUser.of("refused@example.com", null).withPasswordHash(hash[0]))
                    .as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(InvalidInputException.class, e, hash[0]);
                        assertTrue(e.getMessage().startsWith("passwordHash cannot be used: " + hash[1]),
                                e.getMessage());
                        for (String part : List.of("c2FsdH", "aGFza", "qjXMv", "5f4dcc", "hunter2", "sekrit",
                                "abcdef0123", "Zm9vYm")) {
                            assertTrue(!e.getMessage().contains(part), part + " in " + e.getMessage());
                        }
                    })
                    .verify(TIMEOUT);
        }
        minoro().users().count().as(StepVerifier::create).expectNext(0L).verifyComplete();
    }

    /**
     * Spring Security's {@code {noop}} plain text is refused unless the configuration imports plain text;
     * then it is hashed with Argon2id at import and the plain text is never stored.
     */
    @Test
    default void plainTextIsImportedOnlyWhenConfiguredAndThenHashedAtImport() {
        String password = "correct horse battery staple";
        minoro().users().create(NewUser.of("plain@example.com", null).withPasswordHash("{noop}" + password))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(InvalidInputException.class, e);
                    assertTrue(e.getMessage().contains("importPlaintextPasswords"), e.getMessage());
                    assertTrue(!e.getMessage().contains(password), e.getMessage());
                })
                .verify(TIMEOUT);
        Minoro allowing = another(b -> b.importPlaintextPasswords(true));
        User user = allowing.users().create(NewUser.of("plain@example.com", null).withPasswordHash("{noop}" + password))
                .block(TIMEOUT);
        String stored = storedHash(user);
        assertTrue(stored.startsWith("$argon2id$v=19$m=64,t=1,p=1$"), "hashed at import as Minoro's own");
        assertTrue(!stored.contains(password));
        minoro().authenticate("plain@example.com", password).as(StepVerifier::create).expectNextCount(1)
                .verifyComplete();
        assertEquals(stored, storedHash(user), "nothing to rehash");
        // The password policy applies as to any new password.
        allowing.users().create(NewUser.of("short@example.com", null).withPasswordHash("{noop}short"))
                .as(StepVerifier::create).expectError(InvalidInputException.class).verify(TIMEOUT);
    }

    /**
     * The rehash at the first login replaces the imported hash only if it is still the one checked: a
     * password changed while the login was being checked is never overwritten by the rehash of the old one.
     * Held deterministically once, then raced on parallel threads.
     */
    @Test
    default void theRehashAtLoginNeverOverwritesAPasswordChangedMeanwhile() throws InterruptedException {
        String old = "the imported password";
        String changed = "the password set meanwhile";
        String hash = "$pbkdf2-sha256$i=1000$" + PHC_BASE64.encodeToString(SALT) + "$"
                + PHC_BASE64.encodeToString(jdkPbkdf2(256, old, SALT, 1000, 32));
        HashingGate gate = HashingGate.holdingFirst(1);
        Minoro held = another(b -> b, gate);
        User user = minoro().users().create(NewUser.of("held@example.com", null).withPasswordHash(hash)).block(TIMEOUT);
        reactor.core.publisher.Mono<User> login = held.authenticate("held@example.com", old).cache();
        login.subscribe(u -> { }, e -> { });
        gate.awaitHeld(1, TIMEOUT);
        minoro().users().changePassword(user.id(), changed).block(TIMEOUT);
        String afterChange = storedHash(user);
        gate.release();
        login.as(StepVerifier::create).expectNextCount(1).verifyComplete();
        assertEquals(afterChange, storedHash(user), "the login's rehash lost its compare-and-set");
        minoro().authenticate("held@example.com", changed).as(StepVerifier::create).expectNextCount(1)
                .verifyComplete();

        for (int i = 0; i < 20; i++) {
            String email = "race" + i + "@example.com";
            User racer = minoro().users().create(NewUser.of(email, null).withPasswordHash(hash)).block(TIMEOUT);
            reactor.core.publisher.Mono.zip(
                            minoro().authenticate(email, old).map(u -> "ok").onErrorReturn("refused")
                                    .subscribeOn(reactor.core.scheduler.Schedulers.parallel()),
                            minoro().users().changePassword(racer.id(), changed).thenReturn("changed")
                                    .subscribeOn(reactor.core.scheduler.Schedulers.parallel()))
                    .block(TIMEOUT);
            minoro().authenticate(email, changed).as(StepVerifier::create)
                    .expectNextCount(1).as("round " + i + ": the changed password holds").verifyComplete();
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
                new String[] {"$2a$31" + bcryptTail, "the bcrypt cost 31 is above the 13 allowed"},
                new String[] {"$pbkdf2-sha256$i=4800001" + tail,
                    "the PBKDF2-HMAC-SHA256 PHC iterations 4800001 are above the 4800000 allowed for PBKDF2-HMAC-SHA256"},
                new String[] {"$pbkdf2-sha512$1680001" + tail,
                    "the PBKDF2-HMAC-SHA512 PHC iterations 1680001 are above the 1680000 allowed"},
                new String[] {"$pbkdf2-sha256$i=2400001$c29tZXNhbHRzb21lc2FsdA$" + "A".repeat(86),
                    "the PBKDF2-HMAC-SHA256 PHC iterations 2400001 times 2 output blocks are above the 4800000"},
                new String[] {"pbkdf2_sha256$5000000$c29tZXNhbHQ$" + "A".repeat(43) + "=",
                    "the Django PBKDF2-HMAC-SHA256 iterations 5000000 are above the 4800000 allowed"},
                new String[] {"$scrypt$ln=20,r=8,p=1" + tail,
                    "the scrypt memory 128*r*N=1048576 KiB is above the 155648 KiB allowed"},
                new String[] {"$scrypt$ln=17,r=8,p=2" + tail,
                    "the scrypt work 2*p*128*r*N=524288 KiB is above the 311296 KiB allowed"},
                new String[] {"{scrypt}$140801$c29tZXNhbHQ=$" + "A".repeat(43) + "=",
                    "the scrypt memory 128*r*N=1048576 KiB is above the 155648 KiB allowed"},
                new String[] {"{bcrypt}$2y$14" + bcryptTail, "the bcrypt cost 14 is above the 13 allowed"});
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
                "$2y$13" + bcryptTail, "$pbkdf2-sha256$i=4800000" + tail, "$pbkdf2-sha512$i=1680000" + tail,
                "$pbkdf2$i=5200000" + tail, "$scrypt$ln=17,r=8,p=1" + tail)) {
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
