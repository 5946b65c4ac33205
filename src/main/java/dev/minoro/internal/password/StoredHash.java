package dev.minoro.internal.password;

/**
 * A password hash as Minoro stores it, read: its format and the {@link PasswordForm} it was made from.
 * The one place that tells Minoro's own hashes from imported ones.
 *
 * <p>Minoro's own hashes are bare PHC strings of Argon2id v1.3, made from the NFKC form. A hash imported
 * from another system is stored behind the marker {@value #IMPORTED}, whatever its format, because an
 * imported Argon2id v1.3 string looks exactly like Minoro's own but was made from the bytes as typed. An
 * unmarked hash of a kind Minoro never makes (bcrypt, Argon2i, Argon2d, Argon2 v1.0) is imported too.
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

    /** Each format Minoro can check, by its prefix. */
    private static CheckableHash parseFormat(String hash) throws MalformedHashException {
        if (hash.startsWith("$argon2")) {
            return Argon2Hash.parse(hash);
        }
        if (hash.startsWith("$2")) {
            return BcryptHash.parse(hash);
        }
        throw new MalformedHashException("it is neither an Argon2 PHC string ($argon2id$, $argon2i$, $argon2d$)"
                + " nor a bcrypt hash ($2a$, $2b$, $2y$)");
    }
}
