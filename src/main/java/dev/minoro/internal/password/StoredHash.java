package dev.minoro.internal.password;

import java.util.Map;
import java.util.Set;

/**
 * A password hash as Minoro stores it, read: its format and the {@link PasswordForm} it was made from.
 * The one place that tells Minoro's own hashes from imported ones.
 *
 * <p>Minoro's own hashes are bare PHC strings of Argon2id v1.3, made from the NFKC form. A hash imported
 * from another system is stored behind the marker {@value #IMPORTED}, whatever its format, because an
 * imported Argon2id v1.3 string looks exactly like Minoro's own but was made from the bytes as typed. An
 * unmarked hash of a kind Minoro never makes (bcrypt, Argon2i, Argon2d, Argon2 v1.0) is imported too.
 *
 * <p>The formats, each read by its own class: {@link Argon2Hash}, {@link BcryptHash}, {@link Pbkdf2Hash},
 * {@link ScryptHash}; Spring Security's {@code {id}} prefixes are read here and lead to them.
 *
 * @param hash the parsed hash
 * @param form which bytes of the password it was made from
 */
record StoredHash(CheckableHash hash, PasswordForm form) {

    /** What marks an imported hash in the {@code password_hash} column. */
    static final String IMPORTED = "{imported}";

    /**
     * Reads a stored hash.
     *
     * @throws MalformedHashException when it is of no format Minoro can check, or out of the format's
     *                                bounds; the message never contains the hash
     */
    static StoredHash parse(String stored) throws MalformedHashException {
        boolean imported = stored.startsWith(IMPORTED);
        CheckableHash hash = parseFormat(imported ? stored.substring(IMPORTED.length()) : stored);
        boolean minoros = !imported && hash instanceof Argon2Hash && ((Argon2Hash) hash).isMinorosKind();
        return new StoredHash(hash, minoros ? PasswordForm.NFKC : PasswordForm.AS_TYPED);
    }

    /**
     * What to store for {@code foreign}, a hash made by another system: the hash behind the
     * {@value #IMPORTED} marker (given with the marker already, it is kept as it is).
     *
     * @throws MalformedHashException when it is of no format Minoro can check, or out of the format's
     *                                bounds; the message never contains the hash
     */
    static String importedForm(String foreign) throws MalformedHashException {
        String bare = foreign.startsWith(IMPORTED) ? foreign.substring(IMPORTED.length()) : foreign;
        parseFormat(bare);
        return IMPORTED + bare;
    }

    /** Whether this is one of Minoro's own hashes (Argon2id v1.3 made from the NFKC form). */
    boolean isMinoros() {
        return form == PasswordForm.NFKC;
    }

    /** Spring Security's {@code DelegatingPasswordEncoder} prefix of a password in plain text. */
    static final String SPRING_NOOP = "{noop}";

    /** The longest stored hash read: longer than any string within the formats' bounds. */
    static final int MAX_ENCODED_LENGTH = Argon2Hash.MAX_ENCODED_LENGTH;

    /** The formats Minoro imports, as its messages list them. */
    static final String FORMATS = "Argon2 PHC ($argon2id$, $argon2i$, $argon2d$), bcrypt ($2a$, $2b$, $2y$),"
            + " PBKDF2 PHC ($pbkdf2-sha256$, $pbkdf2-sha512$, $pbkdf2$), Django PBKDF2 (pbkdf2_sha256$, pbkdf2_sha1$),"
            + " scrypt PHC ($scrypt$) and Spring Security's {bcrypt}, {argon2}, {pbkdf2}, {scrypt}";

    /** Spring Security's other encoders, named in the message that refuses them. */
    private static final Set<String> SPRING_IDS = Set.of("MD4", "MD5", "SHA-1", "SHA-256", "sha256", "ldap");

    /** Modular crypt formats Minoro does not import, by identifier. */
    private static final Map<String, String> CRYPT_IDS = Map.of("1", "MD5-crypt", "5", "SHA-256-crypt",
            "6", "SHA-512-crypt", "apr1", "Apache's MD5-crypt", "y", "yescrypt", "7", "scrypt in crypt's form",
            "gy", "gost-yescrypt", "P", "phpass", "H", "phpass", "sha1", "SHA-1-crypt");

    /** Django's other hashers, by algorithm name. */
    private static final Map<String, String> DJANGO_IDS = Map.of("md5", "Django's MD5", "sha1", "Django's SHA-1",
            "unsalted_md5", "Django's unsalted MD5", "unsalted_sha1", "Django's unsalted SHA-1", "crypt",
            "Django's crypt", "bcrypt_sha256", "Django's bcrypt_sha256", "bcrypt", "Django's bcrypt", "argon2",
            "Django's argon2", "scrypt", "Django's scrypt");

    /** Each format Minoro can check, by its prefix. */
    private static CheckableHash parseFormat(String hash) throws MalformedHashException {
        if (hash.length() > MAX_ENCODED_LENGTH) {
            throw new MalformedHashException("it is longer than " + MAX_ENCODED_LENGTH + " characters");
        }
        if (hash.startsWith("{")) {
            return springEncoded(hash);
        }
        if (hash.startsWith("$argon2")) {
            return Argon2Hash.parse(hash);
        }
        if (hash.startsWith("$2")) {
            return BcryptHash.parse(hash);
        }
        if (hash.startsWith("$pbkdf2$") || hash.startsWith("$pbkdf2-")) {
            return Pbkdf2Hash.phc(hash);
        }
        if (hash.startsWith("pbkdf2_")) {
            return Pbkdf2Hash.django(hash);
        }
        if (hash.startsWith("$scrypt$")) {
            return ScryptHash.phc(hash);
        }
        throw new MalformedHashException(unknownFormat(hash) + "; Minoro imports " + FORMATS);
    }

    /** A value of Spring Security's {@code DelegatingPasswordEncoder}: {@code {id}} then the encoder's own value. */
    private static CheckableHash springEncoded(String hash) throws MalformedHashException {
        int end = hash.indexOf('}');
        String id = end < 0 ? "" : hash.substring(1, end);
        String value = end < 0 ? "" : hash.substring(end + 1);
        switch (id) {
            case "bcrypt":
                return BcryptHash.parse(value);
            case "argon2":
            case "argon2@SpringSecurity_v5_8":
                return Argon2Hash.parse(value);
            case "pbkdf2":
                return Pbkdf2Hash.spring(value, Pbkdf2Hash.SpringDefaults.V5_5);
            case "pbkdf2@SpringSecurity_v5_8":
                return Pbkdf2Hash.spring(value, Pbkdf2Hash.SpringDefaults.V5_8);
            case "scrypt":
            case "scrypt@SpringSecurity_v5_8":
                return ScryptHash.spring(value);
            case "noop":
                throw new MalformedHashException("Spring Security's {noop} holds the password in plain text, which"
                        + " Minoro imports only when MinoroConfig's importPlaintextPasswords is set (and then hashes"
                        + " it with Argon2id at import)");
            default:
                throw new MalformedHashException((SPRING_IDS.contains(id) ? "Spring Security's {" + id + "} encoding"
                        : "its {...} prefix, which is no Spring Security encoder Minoro knows,")
                        + " is not one Minoro imports; Minoro imports " + FORMATS);
        }
    }

    /**
     * What the format of an unknown hash is, named only when its identifier is a known one: the text before
     * a {@code $} might otherwise be a password that an import put in the wrong field.
     */
    private static String unknownFormat(String hash) {
        int start = hash.startsWith("$") ? 1 : 0;
        int end = hash.indexOf('$', start);
        String id = end < 0 ? "" : hash.substring(start, end);
        String name = start == 1 ? CRYPT_IDS.get(id) : DJANGO_IDS.get(id);
        if (name == null) {
            return "it is in no format Minoro imports";
        }
        return name + " (" + (start == 1 ? "$" + id + "$" : id + "$") + ") is not a format Minoro imports";
    }
}
