package dev.minoro;

/**
 * A session just created, with its token: the only time the token is available, since the database keeps only
 * its SHA-256. {@link #toString()} leaves the token out.
 *
 * @param token   the opaque bearer token, 256 random bits as base64url without padding (43 characters)
 * @param session the session as stored
 */
public record NewSession(String token, Session session) {

    @Override
    public String toString() {
        return "NewSession[token=<redacted>, session=" + session + "]";
    }
}
