package dev.minoro.internal.repository;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Makes session tokens and the hashes the database keeps of them: 256 random bits as base64url without padding
 * (43 characters), and their SHA-256 as 64 lower-case hex digits.
 */
final class SessionTokens {

    /** The length of a token: 32 bytes in base64url without padding. */
    static final int TOKEN_LENGTH = 43;

    private static final int TOKEN_BYTES = 32;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final HexFormat HEX = HexFormat.of();
    private static final MessageDigest SHA_256 = sha256();

    private final SecureRandom random;

    /** Tokens drawn from {@code random}, a seeded (and thread-safe) generator. */
    SessionTokens(SecureRandom random) {
        this.random = random;
    }

    /** A new token. */
    String next() {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    /**
     * Whether {@code token} has the form of a token: 43 characters of the base64url alphabet, the last one of
     * those that end 256 bits. Says nothing of whether it is known.
     */
    static boolean isWellFormed(String token) {
        if (token.length() != TOKEN_LENGTH) {
            return false;
        }
        for (int i = 0; i < TOKEN_LENGTH; i++) {
            char c = token.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        // 43 characters carry 258 bits: the last character's two low bits are padding, zero in a real token.
        return "AEIMQUYcgkosw048".indexOf(token.charAt(TOKEN_LENGTH - 1)) >= 0;
    }

    /** The SHA-256 of {@code token}'s UTF-8 bytes, as 64 lower-case hex digits: what the database keeps. */
    static String hash(String token) {
        MessageDigest sha256;
        try {
            // a copy of one looked up once: every validation hashes, and a lookup goes through the providers
            sha256 = (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            sha256 = sha256();
        }
        return HEX.formatHex(sha256.digest(token.getBytes(StandardCharsets.UTF_8)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
