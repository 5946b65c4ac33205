package dev.minoro.internal.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.DatabaseConfig;
import dev.minoro.MinoroClosedException;
import dev.minoro.InvalidInputException;
import dev.minoro.MinoroConfig;
import dev.minoro.MinoroException;
import dev.minoro.OverloadedException;
import dev.minoro.testing.OtherScriptDigits;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import reactor.util.context.ContextView;

final class PasswordHasherTests {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** 16 and 32 zero bytes in PHC base64: shapes for needsRehash, which never hashes. */
    private static final String SALT_16 = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final String HASH_32 = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    private final List<PasswordHasher> hashers = new ArrayList<>();

    @AfterEach
    void closeHashers() {
        for (PasswordHasher hasher : hashers) {
            hasher.close().block(TIMEOUT);
        }
    }

    // --- the Argon2 core and the PHC encoding, against published vectors ---

    static Stream<Arguments> rfc9106Vectors() {
        return Stream.of(
                Arguments.of(Argon2Hash.Type.ARGON2D,
                        "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb"),
                Arguments.of(Argon2Hash.Type.ARGON2I,
                        "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8"),
                Arguments.of(Argon2Hash.Type.ARGON2ID,
                        "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"));
    }

    /** RFC 9106 section 5: m=32 KiB, t=3, p=4, password 32 x 01, salt 16 x 02, secret 8 x 03, data 12 x 04. */
    @ParameterizedTest
    @MethodSource("rfc9106Vectors")
    void theArgon2FunctionMatchesRfc9106(Argon2Hash.Type type, String expectedTag) {
        byte[] tag = Argon2Hash.derive(type, Argon2Hash.VERSION_13, 32, 3, 4, filled(16, 0x02), filled(8, 0x03),
                filled(12, 0x04), filled(32, 0x01), 32);

        assertEquals(expectedTag, HexFormat.of().formatHex(tag));
    }

    /**
     * PHC strings written by the reference implementation (phc-winner-argon2, src/test.c, and its
     * {@code argon2} CLI as run by zitadel/passwap's test values), all for the password "password".
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$bQk8UB/VmZZF4Oo79iDXuL5/0ttZwg2f/5U52iv1cDc",
        "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8",
        "$argon2i$v=19$m=256,t=2,p=2$c29tZXNhbHQ$T/XOJ2mh1/TIpJHfCdQan76Q5esCFVoT5MAeIM1Oq2E",
        "$argon2id$v=19$m=4096,t=3,p=1$cmFuZG9tc2FsdGlzaGFyZA$DYojYpnUWSMmTtrkVXyaNWVGxLmGe1n8VJBPDdFkbjU",
        "$argon2i$v=19$m=4096,t=3,p=1$cmFuZG9tc2FsdGlzaGFyZA$YMvo8AUoNtnKYGqeODruCjHdiEbl1pKL2MsYy9VgU/E",
        "$argon2d$v=19$m=4096,t=3,p=1$cmFuZG9tc2FsdGlzaGFyZA$CB0Du96aj3fQVcVSqb0LIA6Z6fpStjzjVkaC3RlpK9A",
    })
    void foreignPhcStringsVerifyAndReEncodeIdentically(String phc) throws MalformedHashException {
        PasswordHasher hasher = hasher(config(64, 1, 1));

        hasher.verify("password", phc).as(StepVerifier::create).expectNext(true).expectComplete().verify(TIMEOUT);
        hasher.verify("Password", phc).as(StepVerifier::create).expectNext(false).expectComplete().verify(TIMEOUT);
        assertEquals(phc, Argon2Hash.parse(phc).encode(), "the encoding must be the reference implementation's");
    }

    /** Version 1.0 strings carry no v= field (reference src/test.c, run with ARGON2_VERSION_10). */
    @Test
    void argon2VersionTenStringsVerify() throws MalformedHashException {
        PasswordHasher hasher = hasher(config(64, 1, 1));
        String phc = "$argon2i$m=256,t=2,p=1$c29tZXNhbHQ$/U3YPXYsSb3q9XxHvc0MLxur+GP960kN9j7emXX8zwY";

        hasher.verify("password", phc).as(StepVerifier::create).expectNext(true).expectComplete().verify(TIMEOUT);
        assertEquals(Argon2Hash.VERSION_10, Argon2Hash.parse(phc).version());
        assertTrue(hasher.needsRehash(phc));
    }

    /** crypt_blowfish's (Openwall) $2a$ vectors, and passlib's $2b$ and $2y$ hashes of "password". */
    @ParameterizedTest
    @MethodSource("bcryptHashes")
    void bcryptHashesFromOtherSystemsVerify(String password, String bcrypt) {
        PasswordHasher hasher = hasher(config(64, 1, 1));

        hasher.verify(password, bcrypt).as(StepVerifier::create).expectNext(true).expectComplete().verify(TIMEOUT);
        hasher.verify(password + "x", bcrypt).as(StepVerifier::create).expectNext(false).expectComplete()
                .verify(TIMEOUT);
        assertTrue(hasher.needsRehash(bcrypt));
    }

    static Stream<Arguments> bcryptHashes() {
        return Stream.of(
                Arguments.of("U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"),
                Arguments.of("U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK"),
                Arguments.of("U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a"),
                Arguments.of("", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.7uG0VCzI2bS7j6ymqJi9CdcdxiRTWNy"),
                Arguments.of("password", "$2b$12$bIRGj4QPPoSUMWsJE.4Pk.T1qTpDWz7HhMnuiQhGzGinKPsx/HQdq"),
                Arguments.of("password", "$2y$12$hXUrnqdq1RIIYZ2HPytIIe5lXdIvbhqrTvdPsSF7o.jFh817Z6lwm"));
    }

    // --- Minoro's own hashes ---

    @Test
    void aHashIsAPhcStringThatVerifiesAndParsesBack() throws MalformedHashException {
        PasswordHasher hasher = hasher(config(64, 1, 1));

        String phc = hasher.hash("correct horse battery staple").block(TIMEOUT);

        assertTrue(phc.matches("\\$argon2id\\$v=19\\$m=64,t=1,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), phc);
        Argon2Hash parsed = Argon2Hash.parse(phc);
        assertEquals(16, parsed.saltLength());
        assertEquals(32, parsed.hashLength());
        assertEquals(phc, parsed.encode());
        hasher.verify("correct horse battery staple", phc).as(StepVerifier::create).expectNext(true)
                .expectComplete().verify(TIMEOUT);
        assertFalse(hasher.needsRehash(phc));
    }

    @Test
    void theDefaultsAreOwaspsArgon2idParameters() {
        PasswordHasher hasher = hasher(MinoroConfig.of(DatabaseConfig.sqlite(":memory:")));

        String phc = hasher.hash("correct horse battery staple").block(TIMEOUT);

        assertTrue(phc.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), phc);
        hasher.verify("correct horse battery staple", phc).as(StepVerifier::create).expectNext(true)
                .expectComplete().verify(TIMEOUT);
        assertFalse(hasher.needsRehash(phc));
    }

    @Test
    void aWrongPasswordDoesNotVerify() {
        PasswordHasher hasher = hasher(config(64, 1, 1));
        String phc = hasher.hash("correct horse battery staple").block(TIMEOUT);

        hasher.verify("correct horse battery stapler", phc).as(StepVerifier::create).expectNext(false)
                .expectComplete().verify(TIMEOUT);
        hasher.verify("", phc).as(StepVerifier::create).expectNext(false).expectComplete().verify(TIMEOUT);
    }

    @Test
    void composedAndDecomposedFormsOfAPasswordAreTheSamePassword() {
        PasswordHasher hasher = hasher(config(64, 1, 1));
        String composed = "caf\u00e9 cr\u00e8me";
        String decomposed = "cafe\u0301 cre\u0300me";
        assertNotEquals(composed, decomposed);

        String fromComposed = hasher.hash(composed).block(TIMEOUT);
        String fromDecomposed = hasher.hash(decomposed).block(TIMEOUT);

        hasher.verify(decomposed, fromComposed).as(StepVerifier::create).expectNext(true).expectComplete()
                .verify(TIMEOUT);
        hasher.verify(composed, fromDecomposed).as(StepVerifier::create).expectNext(true).expectComplete()
                .verify(TIMEOUT);
        // NFKC also folds compatibility forms: full-width letters are the ASCII ones.
        hasher.verify("\uff43\uff41\uff46\uff45\u0301 cr\u00e8me", fromComposed).as(StepVerifier::create)
                .expectNext(true).expectComplete().verify(TIMEOUT);
    }

    @Test
    void twoHashesOfOnePasswordHaveDifferentSalts() throws MalformedHashException {
        PasswordHasher hasher = hasher(config(64, 1, 1));

        String first = hasher.hash("same password").block(TIMEOUT);
        String second = hasher.hash("same password").block(TIMEOUT);

        assertNotEquals(first, second);
        assertNotEquals(first.split("\\$")[4], second.split("\\$")[4], "salts");
        for (String phc : List.of(first, second)) {
            hasher.verify("same password", phc).as(StepVerifier::create).expectNext(true).expectComplete()
                    .verify(TIMEOUT);
        }
    }

    // --- needsRehash ---

    @ParameterizedTest
    @ValueSource(strings = {
        "$argon2id$v=19$m=256,t=2,p=2$" + SALT_16 + "$" + HASH_32,
        "$argon2id$v=19$m=19456,t=2,p=2$" + SALT_16 + "$" + HASH_32,
        "$argon2id$v=19$m=256,t=3,p=2$" + SALT_16 + "$" + HASH_32,
        "$argon2id$v=19$m=256,t=2,p=4$" + SALT_16 + "$" + HASH_32,
        "$argon2id$v=19$m=256,t=2,p=2$" + SALT_16 + SALT_16 + "$" + HASH_32 + HASH_32,
    })
    void hashesAtOrAboveTheConfiguredParametersNeedNoRehash(String phc) {
        assertFalse(hasher(config(256, 2, 2)).needsRehash(phc), phc);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // weaker memory, iterations, parallelism
        "$argon2id$v=19$m=255,t=2,p=2$" + SALT_16 + "$" + HASH_32,
        "$argon2id$v=19$m=256,t=1,p=2$" + SALT_16 + "$" + HASH_32,
        "$argon2id$v=19$m=256,t=2,p=1$" + SALT_16 + "$" + HASH_32,
        // other variants and the old version
        "$argon2i$v=19$m=256,t=2,p=2$" + SALT_16 + "$" + HASH_32,
        "$argon2d$v=19$m=256,t=2,p=2$" + SALT_16 + "$" + HASH_32,
        "$argon2id$v=16$m=256,t=2,p=2$" + SALT_16 + "$" + HASH_32,
        "$argon2id$m=256,t=2,p=2$" + SALT_16 + "$" + HASH_32,
        // a salt under 16 bytes, a hash under 32
        "$argon2id$v=19$m=256,t=2,p=2$c29tZXNhbHQ$" + HASH_32,
        "$argon2id$v=19$m=256,t=2,p=2$" + SALT_16 + "$" + SALT_16,
        // bcrypt
        "$2b$12$bIRGj4QPPoSUMWsJE.4Pk.T1qTpDWz7HhMnuiQhGzGinKPsx/HQdq",
        // malformed
        "",
        "plain text",
        "$argon2id$v=19$m=256,t=2,p=2$" + SALT_16,
        "$argon2id$v=19$m=256,t=2,p=2$" + SALT_16 + "$" + HASH_32 + "=",
        "$argon2id$v=19$m=4194305,t=2,p=2$" + SALT_16 + "$" + HASH_32,
    })
    void weakerOtherOrMalformedHashesNeedARehash(String stored) {
        assertTrue(hasher(config(256, 2, 2)).needsRehash(stored), stored);
    }

    @Test
    void aHashMadeWithWeakerSettingsNeedsARehashUnderStrongerOnes() {
        String weak = hasher(config(64, 1, 1)).hash("pw").block(TIMEOUT);

        assertFalse(hasher(config(64, 1, 1)).needsRehash(weak));
        assertTrue(hasher(config(128, 1, 1)).needsRehash(weak));
        assertTrue(hasher(config(64, 2, 1)).needsRehash(weak));
        assertTrue(hasher(config(64, 1, 2)).needsRehash(weak));
    }

    // --- malformed and hostile stored hashes ---

    static Stream<String> malformedStoredHashes() {
        String salt = "$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
        return Stream.of(
                "",
                "password",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4$",
                "$argon2x$v=19$m=256,t=2,p=1" + salt,
                "$argon2id$v=18$m=256,t=2,p=1" + salt,
                "$argon2id$x=19$m=256,t=2,p=1" + salt,
                "$argon2id$v=19$t=2,m=256,p=1" + salt,
                "$argon2id$v=19$m=256,t=2" + salt,
                "$argon2id$v=19$m=0256,t=2,p=1" + salt,
                "$argon2id$v=19$m=-256,t=2,p=1" + salt,
                "$argon2id$v=19$m=99999999999,t=2,p=1" + salt,
                // far outside the bounds: 4 GiB + 1 KiB, 101 passes, 256 lanes, m below 8 * p, t = 0
                "$argon2id$v=19$m=4194305,t=2,p=1" + salt,
                "$argon2id$v=19$m=256,t=101,p=1" + salt,
                "$argon2id$v=19$m=4096,t=2,p=256" + salt,
                "$argon2id$v=19$m=15,t=2,p=2" + salt,
                "$argon2id$v=19$m=256,t=0,p=1" + salt,
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ=$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZX!hbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$AAA",
                "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$" + "A".repeat(5000),
                "$2a$31$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2a$03$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW",
                "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOe",
                "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n",
                "$2a$05$CCCCCCCCCCCCCCCCCCCCC!E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
    }

    @ParameterizedTest
    @MethodSource("malformedStoredHashes")
    void aMalformedOrOutOfBoundsStoredHashNeverVerifiesAndNeverThrows(String stored) {
        PasswordHasher hasher = hasher(config(64, 1, 1));

        hasher.verify("password", stored).as(StepVerifier::create).expectNext(false).expectComplete()
                .verify(TIMEOUT);
        hasher.verify("U*U", stored).as(StepVerifier::create).expectNext(false).expectComplete().verify(TIMEOUT);
        assertTrue(hasher.needsRehash(stored));
    }

    /**
     * A stored hash whose numbers (costs, iterations, Spring Security's hexadecimal scrypt parameters) are written
     * in the digits of another script, which Java's number parsing reads as ASCII ones, is malformed: it never
     * verifies, and needs a rehash. Each is checked against the same hash with ASCII digits, which verifies.
     */
    @Test
    void numbersInTheDigitsOfOtherScriptsMakeAStoredHashMalformed() throws Exception {
        PasswordHasher hasher = hasher(config(64, 1, 1));
        byte[] salt = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        java.util.Base64.Encoder phc = java.util.Base64.getEncoder().withoutPadding();
        byte[] sha256 = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new javax.crypto.spec.PBEKeySpec("pw".toCharArray(), salt, 1000, 256)).getEncoded();
        // each stored hash of "pw", and the field of it that holds its numbers
        Map<String, String> numbersOf = Map.of(
                hasher.hash("pw").block(TIMEOUT), "m=64,t=1,p=1",
                new org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder(4).encode("pw"), "$04$",
                "$pbkdf2-sha256$i=1000,l=32$" + phc.encodeToString(salt) + "$" + phc.encodeToString(sha256),
                "i=1000,l=32",
                "pbkdf2_sha256$1000$0123456789abcdef$" + java.util.Base64.getEncoder().encodeToString(sha256),
                "$1000$",
                "{scrypt}" + new org.springframework.security.crypto.scrypt.SCryptPasswordEncoder(1024, 8, 1, 32, 16)
                        .encode("pw"), "$a0801$");
        numbersOf.forEach((stored, numbers) -> {
            assertTrue(stored.contains(numbers), stored);
            hasher.verify("pw", stored).as(StepVerifier::create).expectNext(true).expectComplete().verify(TIMEOUT);
            for (String written : OtherScriptDigits.of(numbers)) {
                String other = stored.replace(numbers, written);
                hasher.verify("pw", other).as(StepVerifier::create).expectNext(false).as(other).expectComplete()
                        .verify(TIMEOUT);
                assertTrue(hasher.needsRehash(other), other);
            }
        });
    }

    @Test
    void aMalformedStoredHashIsLoggedWithoutTheHash() {
        String hostile = "$argon2id$v=19$m=4194305,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
        String corrupted = "$argon2id$v=19$m=256,t=2,p=1$c29tZX!hbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
        String unknown = "{SSHA}c29tZXNhbHRzb21lc2FsdA==";

        String log = capturingWarnings(() -> {
            PasswordHasher hasher = hasher(config(64, 1, 1));
            for (String stored : List.of(hostile, corrupted, unknown)) {
                hasher.verify("password", stored).as(StepVerifier::create).expectNext(false).expectComplete()
                        .verify(TIMEOUT);
            }
        });

        assertTrue(log.contains("A stored password hash cannot be checked: the Argon2 memory m=4194305 KiB is"
                + " outside 8*p (8)..4194304 KiB. The login fails as if the password were wrong; set a new"
                + " password for that account."), log);
        assertTrue(log.contains("cannot be checked: the Argon2 salt is not standard base64 without padding."), log);
        assertTrue(log.contains("cannot be checked: its {...} prefix, which is no Spring Security encoder Minoro"
                + " knows, is not one Minoro imports; Minoro imports " + StoredHash.FORMATS + "."), log);
        for (String secret : List.of("c29tZX", "nf65EO", "hbHQ", "SSHA", "$argon2id$v=19$m=")) {
            assertFalse(log.contains(secret), log);
        }
    }

    // --- bounds on the password ---

    @Test
    void passwordsOver4096CharsAreRefusedBeforeAnyHashing() {
        AtomicInteger tasks = new AtomicInteger();
        PasswordHasher hasher = hasher(config(64, 1, 1), new Watcher() {
            @Override
            public void taskStarted() {
                tasks.incrementAndGet();
            }
        });
        String tooLong = "p".repeat(4097);

        for (Mono<?> call : List.of(hasher.hash(tooLong), hasher.verify(tooLong, "$2a$05$x"),
                hasher.verifyAgainstDummy(tooLong))) {
            call.as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(IllegalArgumentException.class, e);
                        assertEquals("password is longer than 4096 chars; callers check maxPasswordLength first",
                                e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
        assertEquals(0, tasks.get());
        String longest = "p".repeat(4096);
        String phc = hasher.hash(longest).block(TIMEOUT);
        hasher.verify(longest, phc).as(StepVerifier::create).expectNext(true).expectComplete().verify(TIMEOUT);
    }

    @Test
    void anUnpairedSurrogateIsRefused() {
        PasswordHasher hasher = hasher(config(64, 1, 1));

        hasher.hash("abc\ud800def").as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(IllegalArgumentException.class, e);
                    assertEquals("password contains an unpaired UTF-16 surrogate, so it is not valid Unicode text",
                            e.getMessage());
                })
                .verify(TIMEOUT);
        // A pair is fine: an emoji outside the BMP.
        String phc = hasher.hash("pass\ud83d\udd11word").block(TIMEOUT);
        hasher.verify("pass\ud83d\udd11word", phc).as(StepVerifier::create).expectNext(true).expectComplete()
                .verify(TIMEOUT);
    }

    // --- the scheduler ---

    @Test
    void nothingHappensBeforeSubscription() {
        AtomicInteger tasks = new AtomicInteger();
        PasswordHasher hasher = hasher(config(64, 1, 1), new Watcher() {
            @Override
            public void taskStarted() {
                tasks.incrementAndGet();
            }
        });

        Mono<String> hash = hasher.hash("pw");
        Mono<Boolean> verify = hasher.verify("pw", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW");
        Mono<Boolean> dummy = hasher.verifyAgainstDummy("pw");
        assertEquals(0, tasks.get());

        String first = hash.block(TIMEOUT);
        String second = hash.block(TIMEOUT);
        assertEquals(2, tasks.get());
        assertNotEquals(first, second, "each subscription hashes afresh");
        verify.block(TIMEOUT);
        dummy.block(TIMEOUT);
        assertEquals(4, tasks.get());
    }

    /**
     * Subscribing from a parallel thread proves the hashing moved: BlockHound fails any Argon2 call on a
     * parallel thread. The probe sees which threads did the work.
     */
    @Test
    void everyHashRunsOnTheHashersOwnThreadsEvenWhenSubscribedFromAParallelThread() {
        Set<String> workers = ConcurrentHashMap.newKeySet();
        PasswordHasher hasher = hasher(config(64, 1, 1), new Watcher() {
            @Override
            public void taskStarted() {
                workers.add(Thread.currentThread().getName());
            }

            @Override
            public void argon2Started() {
                workers.add(Thread.currentThread().getName());
            }
        });
        Set<String> emitters = ConcurrentHashMap.newKeySet();

        String phc = hasher.hash("pw").subscribeOn(Schedulers.parallel())
                .doOnNext(v -> emitters.add(Thread.currentThread().getName())).block(TIMEOUT);
        hasher.verify("pw", phc).subscribeOn(Schedulers.parallel())
                .doOnNext(v -> emitters.add(Thread.currentThread().getName()))
                .as(StepVerifier::create).expectNext(true).expectComplete().verify(TIMEOUT);
        hasher.verifyAgainstDummy("pw").subscribeOn(Schedulers.parallel())
                .doOnNext(v -> emitters.add(Thread.currentThread().getName()))
                .as(StepVerifier::create).expectNext(false).expectComplete().verify(TIMEOUT);

        assertFalse(workers.isEmpty());
        for (String name : workers) {
            assertTrue(name.startsWith("minoro-password-"), name);
        }
        assertFalse(emitters.isEmpty());
        for (String name : emitters) {
            assertTrue(name.startsWith("minoro-password-"), name);
        }
    }

    /**
     * Every imported format is checked on the hashing threads too, and emits there: PBKDF2 (PHC, Django, Spring
     * Security's), scrypt (PHC, Spring Security's), each subscribed from a parallel thread, the right password
     * and a wrong one.
     */
    @Test
    void importedPbkdf2AndScryptHashesAreCheckedOnTheHashersOwnThreads() throws Exception {
        byte[] salt = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.Base64.Encoder phc = java.util.Base64.getEncoder().withoutPadding();
        byte[] sha256 = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new javax.crypto.spec.PBEKeySpec("pw".toCharArray(), salt, 1000, 256)).getEncoded();
        byte[] scrypt = org.bouncycastle.crypto.generators.SCrypt.generate("pw".getBytes(
                java.nio.charset.StandardCharsets.UTF_8), salt, 1024, 8, 1, 32);
        List<String> hashes = List.of(
                "$pbkdf2-sha256$i=1000,l=32$" + phc.encodeToString(salt) + "$" + phc.encodeToString(sha256),
                "pbkdf2_sha256$1000$0123456789abcdef$" + java.util.Base64.getEncoder().encodeToString(sha256),
                "$scrypt$ln=10,r=8,p=1$" + phc.encodeToString(salt) + "$" + phc.encodeToString(scrypt),
                new org.springframework.security.crypto.password.DelegatingPasswordEncoder("pbkdf2", java.util.Map.of(
                        "pbkdf2", org.springframework.security.crypto.password.Pbkdf2PasswordEncoder
                                .defaultsForSpringSecurity_v5_5())).encode("pw"),
                new org.springframework.security.crypto.password.DelegatingPasswordEncoder("scrypt", java.util.Map.of(
                        "scrypt", new org.springframework.security.crypto.scrypt.SCryptPasswordEncoder(1024, 8, 1, 32,
                                16))).encode("pw"));
        Set<String> workers = ConcurrentHashMap.newKeySet();
        PasswordHasher hasher = hasher(config(64, 1, 1), new Watcher() {
            @Override
            public void taskStarted() {
                workers.add(Thread.currentThread().getName());
            }
        });
        Set<String> emitters = ConcurrentHashMap.newKeySet();
        for (String hash : hashes) {
            String stored = hasher.importedForm(hash);
            assertTrue(hasher.needsRehash(stored), hash);
            for (boolean right : List.of(true, false)) {
                hasher.verify(right ? "pw" : "pW", stored).subscribeOn(Schedulers.parallel())
                        .doOnNext(v -> emitters.add(Thread.currentThread().getName()))
                        .as(StepVerifier::create).expectNext(right).as(hash).expectComplete().verify(TIMEOUT);
            }
        }
        assertFalse(workers.isEmpty());
        for (String name : workers) {
            assertTrue(name.startsWith("minoro-password-"), name);
        }
        assertFalse(emitters.isEmpty());
        for (String name : emitters) {
            assertTrue(name.startsWith("minoro-password-"), name);
        }
    }

    /**
     * Each hashing thread allocates one hash's Argon2 memory, once, and reuses it: however many callers hash at once
     * and however many hashes run, the blocks allocated stay at threads x memory cost (counted, not timed). A costlier
     * imported hash takes its extra blocks from the heap for itself, and the threads keep no more than before.
     */
    @Test
    void eachHashingThreadAllocatesOneHashsArgon2MemoryOnceAndReusesIt() {
        int memoryKiB = 64;
        int threads = 2;
        PasswordHasher hasher = hasher(config(memoryKiB, 1, 1, threads, 64));
        String phc = hasher.hash("pw").block(TIMEOUT);
        Runnable burst = () -> Flux.range(0, 60)
                .flatMap(i -> (i % 3 == 0 ? hasher.hash("pw" + i).map(h -> true)
                        : i % 3 == 1 ? hasher.verify("pw", phc) : hasher.verifyAgainstDummy("pw"))
                        .subscribeOn(Schedulers.parallel()), 32)
                .then().block(TIMEOUT);

        burst.run();
        long made = hasher.scheduler().argon2BlocksMade();
        assertTrue(made > 0 && made <= (long) threads * (memoryKiB + Argon2Memory.WORKING_BLOCKS),
                "blocks made: " + made);
        burst.run();
        assertEquals(made, hasher.scheduler().argon2BlocksMade(), "the second burst allocated no Argon2 memory");

        // m=256: 192 blocks beyond what a thread keeps, allocated for that hash alone
        String costlier = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
        for (int i = 0; i < 4; i++) {
            hasher.verify("password", costlier).as(StepVerifier::create).expectNext(true).expectComplete()
                    .verify(TIMEOUT);
        }
        long afterCostlier = hasher.scheduler().argon2BlocksMade();
        burst.run();
        assertEquals(afterCostlier, hasher.scheduler().argon2BlocksMade(), "the threads kept their own memory only");
        assertEquals(4 * (256 - memoryKiB), afterCostlier - made, "each costlier hash allocated its extra blocks");
    }

    /** Many subscribers on parallel threads at once: admission and queueing never block them. */
    @Test
    void manyConcurrentSubscribersOnParallelThreadsNeverBlock() {
        PasswordHasher hasher = hasher(config(8, 1, 1, 2, 1024));
        String phc = hasher.hash("pw").block(TIMEOUT);

        Flux.range(0, 400)
                .flatMap(i -> (i % 2 == 0 ? hasher.verify("pw", phc) : hasher.verifyAgainstDummy("pw"))
                        .subscribeOn(Schedulers.parallel()), 256)
                .filter(Boolean::booleanValue)
                .count()
                .as(StepVerifier::create)
                .expectNext(200L)
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aFullQueueFailsFastWithOverloadedException() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PasswordHasher hasher = hasher(config(64, 1, 1, 1, 1), new Watcher() {
            @Override
            public void taskStarted() {
                started.countDown();
                awaitUninterruptibly(release);
            }
        });

        StepVerifier running = StepVerifier.create(hasher.hash("running")).expectNextCount(1).expectComplete()
                .verifyLater();
        assertTrue(started.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        StepVerifier queued = StepVerifier.create(hasher.verifyAgainstDummy("queued")).expectNext(false)
                .expectComplete().verifyLater();

        hasher.verify("refused", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW")
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(OverloadedException.class, e);
                    assertEquals("Password hashing is at capacity: all 1 hashing threads are busy and all 1 queue"
                            + " slots are taken. Retry later, or raise hashingThreads (up to the cores available)"
                            + " or hashingQueueCapacity in MinoroConfig; each hash holds 64 KiB while it runs.",
                            e.getMessage());
                })
                .verify(TIMEOUT);

        release.countDown();
        running.verify(TIMEOUT);
        queued.verify(TIMEOUT);
        // Capacity is back once the queue drains.
        hasher.verifyAgainstDummy("again").as(StepVerifier::create).expectNext(false).expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void aCancelledWaitingHashFreesItsSlotAndNeverRuns() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger tasks = new AtomicInteger();
        PasswordHasher hasher = hasher(config(64, 1, 1, 1, 1), new Watcher() {
            @Override
            public void taskStarted() {
                tasks.incrementAndGet();
                started.countDown();
                awaitUninterruptibly(release);
            }
        });
        StepVerifier running = StepVerifier.create(hasher.hash("running")).expectNextCount(1).expectComplete()
                .verifyLater();
        assertTrue(started.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));

        hasher.verifyAgainstDummy("cancelled").subscribe().dispose();
        StepVerifier next = StepVerifier.create(hasher.verifyAgainstDummy("next")).expectNext(false)
                .expectComplete().verifyLater();
        release.countDown();

        running.verify(TIMEOUT);
        next.verify(TIMEOUT);
        assertEquals(2, tasks.get(), "the cancelled verification never ran");
    }

    @Test
    void closeEndsTheThreadsAndLaterCallsFailClearly() throws InterruptedException {
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        PasswordHasher hasher = hasher(config(64, 1, 1, 2, 8), new Watcher() {
            @Override
            public void taskStarted() {
                workers.add(Thread.currentThread());
            }
        });
        Mono.zip(hasher.hash("a"), hasher.hash("b"), hasher.verifyAgainstDummy("c")).block(TIMEOUT);
        assertFalse(workers.isEmpty());

        hasher.close().as(StepVerifier::create).expectComplete().verify(TIMEOUT);

        for (Thread worker : workers) {
            worker.join(TIMEOUT.toMillis());
            assertFalse(worker.isAlive(), worker.getName());
        }
        Set<String> names = new HashSet<>();
        workers.forEach(w -> names.add(w.getName()));
        for (Thread alive : Thread.getAllStackTraces().keySet()) {
            assertFalse(names.contains(alive.getName()), alive.getName());
        }
        for (Mono<?> call : List.of(hasher.hash("a"), hasher.verify("a", "$argon2id$"),
                hasher.verifyAgainstDummy("a"))) {
            call.as(StepVerifier::create)
                    .expectErrorSatisfies(e -> {
                        assertInstanceOf(MinoroClosedException.class, e);
                        assertEquals("this Minoro instance is closed; make a new one with Minoro.create(...)",
                                e.getMessage());
                    })
                    .verify(TIMEOUT);
        }
        hasher.close().as(StepVerifier::create).expectComplete().verify(TIMEOUT);
        assertTrue(hasher.toString().endsWith(", closed}"), hasher.toString());
    }

    @Test
    void closeLetsRunningAndQueuedWorkFinish() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PasswordHasher hasher = hasher(config(64, 1, 1, 1, 4), new Watcher() {
            @Override
            public void taskStarted() {
                started.countDown();
                awaitUninterruptibly(release);
            }
        });
        StepVerifier running = StepVerifier.create(hasher.hash("running")).expectNextCount(1).expectComplete()
                .verifyLater();
        assertTrue(started.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        StepVerifier queued = StepVerifier.create(hasher.verifyAgainstDummy("queued")).expectNext(false)
                .expectComplete().verifyLater();

        StepVerifier closing = StepVerifier.create(hasher.close()).expectComplete().verifyLater();
        hasher.hash("late").as(StepVerifier::create).expectError(MinoroClosedException.class).verify(TIMEOUT);
        release.countDown();

        running.verify(TIMEOUT);
        queued.verify(TIMEOUT);
        closing.verify(TIMEOUT);
    }

    // --- hashes imported from other systems: which bytes they were made from ---

    @Test
    void whichBytesAHashWasMadeFromIsDecidedInOnePlace() throws MalformedHashException {
        String own = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
        String bcrypt = "$2b$04$abcdefghijklmnopqrstuunI.MiM8.VawfJ2K2Yj3h752wdXuYRIC";
        assertEquals(PasswordForm.NFKC, StoredHash.parse(own).form(), "Minoro's own kind, unmarked");
        assertEquals(PasswordForm.AS_TYPED, StoredHash.parse("{imported}" + own).form(), "the same, imported");
        assertEquals(PasswordForm.AS_TYPED, StoredHash.parse(bcrypt).form(), "a kind Minoro never makes");
        assertEquals(PasswordForm.AS_TYPED, StoredHash.parse("{imported}" + bcrypt).form());
        assertEquals(PasswordForm.AS_TYPED, StoredHash.parse(own.replace("argon2id", "argon2i")).form());
        assertEquals(PasswordForm.AS_TYPED, StoredHash.parse(own.replace("$v=19", "")).form(), "version 1.0");

        assertEquals(List.of("pass word"), strings(PasswordForm.NFKC.candidates("pass\u00A0word")));
        assertEquals(List.of("pass\u00A0word", "pass word"), strings(PasswordForm.AS_TYPED.candidates("pass\u00A0word")));
        assertEquals(List.of("password"), strings(PasswordForm.AS_TYPED.candidates("password")),
                "no second try when NFKC changes nothing");
        PasswordHasher hasher = hasher(config(64, 1, 1));
        assertEquals("{imported}" + bcrypt, hasher.importedForm(bcrypt));
        assertEquals("{imported}" + bcrypt, hasher.importedForm("{imported}" + bcrypt), "marked once");
    }

    /** Reference vectors made by libxcrypt (Python's crypt module) from the UTF-8 bytes as typed. */
    @ParameterizedTest
    @MethodSource("libxcryptVectors")
    void importedHashesAreCheckedAgainstThePasswordAsTyped(String password, String bcrypt) {
        PasswordHasher hasher = hasher(config(64, 1, 1));
        String stored = hasher.importedForm(bcrypt);

        hasher.verify(password, stored).as(StepVerifier::create).expectNext(true).expectComplete().verify(TIMEOUT);
        hasher.verify(Normalizer.normalize(password, Normalizer.Form.NFKC), stored).as(StepVerifier::create)
                .expectNext(false).expectComplete().verify(TIMEOUT);
        assertTrue(hasher.needsRehash(stored));
    }

    static Stream<Arguments> libxcryptVectors() {
        return Stream.of(
                Arguments.of("\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44",
                        "$2b$04$abcdefghijklmnopqrstuunI.MiM8.VawfJ2K2Yj3h752wdXuYRIC"),
                Arguments.of("\ufb01nance", "$2y$04$abcdefghijklmnopqrstuu60/DwhtA5XD1OH83ISG61eMVzn0iXRy"),
                Arguments.of("cafe\u0301", "$2a$04$abcdefghijklmnopqrstuuOPx4tXEYeRQ0j5wdqjQ2bd8EqDyvq5e"));
    }

    /**
     * Why imported hashes are marked: an Argon2id v1.3 string made by another system from the bytes as
     * typed looks exactly like Minoro's own, which are checked against the NFKC form only.
     */
    @Test
    void anImportedArgon2idStringIsCheckedAsTypedOnlyWhenMarked() {
        AtomicInteger argon2 = new AtomicInteger();
        PasswordHasher hasher = hasher(config(64, 1, 1), new Watcher() {
            @Override
            public void argon2Started() {
                argon2.incrementAndGet();
            }
        });
        String password = "\uff50\uff41\uff53\uff53 \u2460\u2461";
        String foreign = foreignArgon2id(password.getBytes(StandardCharsets.UTF_8));

        hasher.verify(password, foreign).as(StepVerifier::create).expectNext(false).expectComplete().verify(TIMEOUT);
        hasher.verify(password, "{imported}" + foreign).as(StepVerifier::create).expectNext(true).expectComplete()
                .verify(TIMEOUT);
        argon2.set(0);
        hasher.verify("wrong \u2460", "{imported}" + foreign).as(StepVerifier::create).expectNext(false)
                .expectComplete().verify(TIMEOUT);
        assertEquals(2, argon2.get(), "a password NFKC changes is tried as typed, then normalised");
        argon2.set(0);
        hasher.verify("wrong", "{imported}" + foreign).as(StepVerifier::create).expectNext(false).expectComplete()
                .verify(TIMEOUT);
        assertEquals(1, argon2.get(), "one NFKC leaves alone costs one try");
    }

    // --- cost limits ---

    @Test
    void costLimitsFollowTheConfigurationWithOwaspsParametersAsTheFloor() {
        CostLimits owasp = new CostLimits(8, 155_648, 311_296, 8, 13, 8);
        assertEquals(owasp, CostLimits.of(MinoroConfig.of(DatabaseConfig.sqlite(":memory:"))));
        assertEquals(owasp, CostLimits.of(config(64, 1, 1)), "a cheap configuration still takes ordinary imports");
        assertEquals(new CostLimits(8, 524_288, 1_572_864, 32, 15, 40), CostLimits.of(config(65_536, 3, 4)));
        assertEquals(new CostLimits(1, 19_456, 38_912, 1, 10, 1), CostLimits.of(MinoroConfig.builder()
                .database(DatabaseConfig.sqlite(":memory:")).importedHashCostFactor(1).build()));
        assertEquals(new CostLimits(1024, 1024L * 19_456, 1024L * 38_912, 255, 20, 1024), CostLimits.of(MinoroConfig.builder()
                .database(DatabaseConfig.sqlite(":memory:")).importedHashCostFactor(1024).build()));
    }

    /** A stored hash above the limits is never computed: the login costs the dummy instead. */
    @Test
    void aStoredHashAboveTheLimitsIsNeverComputed() {
        String huge = "$argon2id$v=19$m=1048576,t=1,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";
        AtomicInteger argon2 = new AtomicInteger();
        PasswordHasher hasher = hasher(config(64, 1, 1), new Watcher() {
            @Override
            public void argon2Started() {
                argon2.incrementAndGet();
            }
        });
        hasher.verifyAgainstDummy("warm up").block(TIMEOUT);
        argon2.set(0);

        for (String stored : List.of(huge, "{imported}" + huge)) {
            hasher.verify("password", stored).as(StepVerifier::create).expectNext(false).expectComplete()
                    .verify(TIMEOUT);
        }
        assertEquals(2, argon2.get(), "one dummy each, never the 1 GiB hash");
        InvalidInputException refused = org.junit.jupiter.api.Assertions.assertThrows(InvalidInputException.class,
                () -> hasher.importedForm(huge));
        assertEquals("passwordHash cannot be used: the Argon2 memory m=1048576 KiB is above the 155648 KiB allowed"
                + " (importedHashCostFactor 8 times the cost of one hash with the configured Argon2id parameters, or"
                + " OWASP's where those are cheaper; raise importedHashCostFactor in MinoroConfig to accept it, with"
                + " heap for hashingThreads such hashes at once)", refused.getMessage());
    }

    // --- slots: admission before the work that goes with the hashing ---

    @Test
    void aSlotHoldsItsPlaceUntilItsWorkEndsHowever() {
        PasswordHasher hasher = hasher(config(64, 1, 1, 1, 1));
        Sinks.Empty<Void> first = Sinks.empty();
        Sinks.Empty<Void> second = Sinks.empty();
        StepVerifier completing = hasher.withSlot(slot -> first.asMono()).as(StepVerifier::create).expectComplete()
                .verifyLater();
        StepVerifier failing = hasher.withSlot(slot -> second.asMono()).as(StepVerifier::create)
                .expectError(IllegalStateException.class).verifyLater();

        hasher.verifyAgainstDummy("full").as(StepVerifier::create).expectError(OverloadedException.class)
                .verify(TIMEOUT);
        first.tryEmitEmpty();
        completing.verify(TIMEOUT);
        hasher.withSlot(slot -> slot.verifyAgainstDummy("one place free")).as(StepVerifier::create)
                .expectNext(false).expectComplete().verify(TIMEOUT);
        second.tryEmitError(new IllegalStateException("the work failed"));
        failing.verify(TIMEOUT);
        hasher.withSlot(slot -> Mono.never()).subscribe().dispose();
        // Both places are free again: after completion, after an error, after a cancel.
        Mono.zip(hasher.verifyAgainstDummy("a"), hasher.verifyAgainstDummy("b")).as(StepVerifier::create)
                .expectNextCount(1).expectComplete().verify(TIMEOUT);
    }

    // --- failures on a hashing thread ---

    /**
     * Reactor rethrows a JVM error (such as {@link OutOfMemoryError}) thrown in {@code fromCallable} on the
     * thread: the task dies and the subscriber waits forever. Every failure must reach the caller.
     */
    @ParameterizedTest
    @MethodSource("threadFailures")
    void whateverFailsOnTheHashingThreadReachesTheCaller(Throwable failure) {
        AtomicInteger fail = new AtomicInteger(1);
        PasswordHasher hasher = hasher(config(64, 1, 1, 1, 4), new Watcher() {
            @Override
            public void argon2Started() {
                if (fail.getAndDecrement() > 0) {
                    sneakyThrow(failure);
                }
            }
        });

        hasher.hash("password").as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(MinoroException.class, e);
                    assertEquals(failure, e.getCause());
                    assertTrue(e.getMessage().startsWith("password hashing failed on its thread: "
                            + failure.getClass().getName()), e.getMessage());
                })
                .verify(Duration.ofSeconds(10));
        hasher.hash("password").as(StepVerifier::create).expectNextCount(1).expectComplete().verify(TIMEOUT);
    }

    static Stream<Throwable> threadFailures() {
        return Stream.of(new OutOfMemoryError("Java heap space (thrown by the test)"), new StackOverflowError(),
                new NoClassDefFoundError("org/bouncycastle/Missing (thrown by the test)"),
                new IllegalStateException("thrown by the test"));
    }

    /** A failure after the subscriber cancelled is not signalled, so Reactor has nothing to drop (and log). */
    @Test
    void aCancelledTaskThatFailsLeavesNoErrorToDrop() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        PasswordHasher hasher = hasher(config(64, 1, 1, 1, 4), new Watcher() {
            @Override
            public void taskStarted() {
                started.countDown();
                awaitUninterruptibly(release);
                throw new IllegalStateException("failed after the cancel (thrown by the test)");
            }
        });
        List<Throwable> dropped = new java.util.concurrent.CopyOnWriteArrayList<>();
        Hooks.onErrorDropped(dropped::add);
        try {
            reactor.core.Disposable subscription = hasher.hash("password").subscribe(hash -> { }, e -> { });
            assertTrue(started.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            subscription.dispose();
            release.countDown();
            hasher.close().block(TIMEOUT);
        } finally {
            Hooks.resetOnErrorDropped();
        }
        assertEquals(List.of(), dropped);
    }

    // --- the dummy ---

    @Test
    void theDummyVerificationEmitsFalseAndCostsOneHashAfterTheFirst() {
        AtomicInteger argon2 = new AtomicInteger();
        PasswordHasher hasher = hasher(config(64, 1, 1), new Watcher() {
            @Override
            public void argon2Started() {
                argon2.incrementAndGet();
            }
        });

        hasher.verifyAgainstDummy("anything").as(StepVerifier::create).expectNext(false).expectComplete()
                .verify(TIMEOUT);
        assertEquals(2, argon2.get(), "the first call makes the dummy, then verifies against it");
        hasher.verifyAgainstDummy("anything else").as(StepVerifier::create).expectNext(false).expectComplete()
                .verify(TIMEOUT);
        assertEquals(3, argon2.get(), "later calls only verify");

        String phc = hasher.hash("pw").block(TIMEOUT);
        argon2.set(0);
        hasher.verify("wrong", phc).as(StepVerifier::create).expectNext(false).expectComplete().verify(TIMEOUT);
        hasher.verifyAgainstDummy("wrong").as(StepVerifier::create).expectNext(false).expectComplete()
                .verify(TIMEOUT);
        assertEquals(2, argon2.get(), "a wrong password and an unknown user cost one Argon2 each");
    }

    @Test
    void concurrentFirstDummyVerificationsMakeTheDummyOnce() {
        AtomicInteger argon2 = new AtomicInteger();
        PasswordHasher hasher = hasher(config(64, 1, 1, 4, 16), new Watcher() {
            @Override
            public void argon2Started() {
                argon2.incrementAndGet();
            }
        });

        List<Boolean> results = Mono.zip(hasher.verifyAgainstDummy("a"), hasher.verifyAgainstDummy("b"),
                hasher.verifyAgainstDummy("c"), hasher.verifyAgainstDummy("d"))
                .map(t -> List.of(t.getT1(), t.getT2(), t.getT3(), t.getT4())).block(TIMEOUT);

        assertEquals(List.of(false, false, false, false), results);
        assertEquals(5, argon2.get(), "one dummy, four verifications");
    }

    // --- no secrets in toString ---

    @Test
    void toStringsShowParametersOnly() throws MalformedHashException {
        PasswordHasher hasher = hasher(config(64, 1, 1, 2, 8));
        String phc = "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4";

        assertEquals("PasswordHasher{argon2id m=64,t=1,p=1, threads=2, queueCapacity=8}", hasher.toString());
        assertEquals("Argon2Hash{argon2id v=19 m=256,t=2,p=1, salt 8 bytes, hash 32 bytes}",
                Argon2Hash.parse(phc).toString());
    }

    // --- helpers ---

    /**
     * Watches a hasher's work through what it reports to its {@link HashingObserver} (as Minoro's observations do),
     * on the hashing thread as it happens: each task as it starts, and each Argon2 computation.
     */
    private abstract static class Watcher implements HashingObserver {

        /** A hash or a verification starts on a hashing thread, before any work. */
        void taskStarted() {
        }

        @Override
        public final <T> T task(ContextView subscriber, Callable<T> work) throws Exception {
            taskStarted();
            return work.call();
        }
    }

    private PasswordHasher hasher(MinoroConfig config) {
        return hasher(config, HashingObserver.NONE);
    }

    private PasswordHasher hasher(MinoroConfig config, HashingObserver observer) {
        PasswordHasher hasher = PasswordHasher.create(config, observer);
        hashers.add(hasher);
        return hasher;
    }

    private static MinoroConfig config(int memoryKiB, int iterations, int parallelism) {
        return config(memoryKiB, iterations, parallelism, 2, 16);
    }

    private static MinoroConfig config(int memoryKiB, int iterations, int parallelism, int threads, int queue) {
        return MinoroConfig.builder().database(DatabaseConfig.sqlite(":memory:"))
                .argon2(memoryKiB, iterations, parallelism).hashingThreads(threads).hashingQueueCapacity(queue)
                .build();
    }

    private static List<String> strings(List<byte[]> candidates) {
        List<String> strings = new ArrayList<>();
        candidates.forEach(bytes -> strings.add(new String(bytes, StandardCharsets.UTF_8)));
        return strings;
    }

    /** An Argon2id v1.3 PHC string made by Bouncy Castle from {@code password}, as another system would. */
    private static String foreignArgon2id(byte[] password) {
        byte[] salt = filled(16, 7);
        byte[] hash = Argon2Hash.derive(Argon2Hash.Type.ARGON2ID, Argon2Hash.VERSION_13, 64, 1, 1, salt, null, null,
                password, 32);
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder().withoutPadding();
        return "$argon2id$v=19$m=64,t=1,p=1$" + base64.encodeToString(salt) + "$" + base64.encodeToString(hash);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        try {
            if (!latch.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("the test never released the hashing thread");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * What is logged while {@code action} runs: the tests' SLF4J binding (slf4j-simple) writes warnings to
     * the System.err of the moment each line is logged.
     */
    private static String capturingWarnings(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
