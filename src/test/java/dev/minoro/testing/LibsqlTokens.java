package dev.minoro.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.List;

/**
 * Auth tokens for a sqld started with {@code --auth-jwt-key-file} (an Ed25519 public key in PEM): sqld checks
 * {@code Authorization: Bearer <EdDSA JWT>}, with claim {@code "a": "ro"} for read-only and {@code exp}
 * (libsql-server's {@code auth/user_auth_strategies/jwt.rs}), as Turso's tokens are.
 */
public final class LibsqlTokens {

    private final KeyPair key;

    private LibsqlTokens(KeyPair key) {
        this.key = key;
    }

    /** A new Ed25519 key pair. */
    public static LibsqlTokens newKey() {
        try {
            return new LibsqlTokens(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sqld process of its own that accepts only tokens signed with this key; its PEM file goes in {@code directory}. */
    public LibsqlDatabase server(Path directory) {
        Path pem = directory.resolve("jwt-" + System.nanoTime() + ".pem");
        try {
            Files.writeString(pem, "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(
                            key.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return LibsqlServer.start(List.of("--auth-jwt-key-file", pem.toString()));
    }

    /** A token signed with this key, with {@code claims} (JSON, such as {@code {"a":"ro"}}). */
    public String token(String claims) {
        return jwt(key.getPrivate(), claims);
    }

    /** An EdDSA JWT with {@code claims}, signed with the JDK's Ed25519. */
    public static String jwt(PrivateKey privateKey, String claims) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String signed = base64.encodeToString("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + base64.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
