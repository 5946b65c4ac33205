package dev.minoro.vertx;

import dev.minoro.Minoro;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.CredentialValidationException;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;

/**
 * A Vert.x {@link AuthenticationProvider} that checks email and password with {@link Minoro#authenticate}, so that
 * Minoro's lockout, disabled accounts and rehashing apply; for {@code BasicAuthHandler}, a form login, or directly.
 *
 * <pre>{@code
 * router.route("/api/*").handler(BasicAuthHandler.create(MinoroAuthenticationProvider.create(vertx, minoro)));
 * }</pre>
 *
 * <p>The Vert.x user's principal holds {@code username} and {@code email} (the email as stored), {@code id} (the
 * Minoro user id, which {@link MinoroAuthorizationProvider} reads) and {@code displayName}; never the password.
 */
public final class MinoroAuthenticationProvider implements AuthenticationProvider {

    private final MinoroOnVertx bridge;

    private MinoroAuthenticationProvider(MinoroOnVertx bridge) {
        this.bridge = bridge;
    }

    /**
     * {@return a provider checking logins against {@code minoro}; its futures complete on the caller's Vert.x context,
     * or on one of {@code vertx}'s when called from elsewhere}
     *
     * @param vertx the Vert.x instance the futures come back on
     * @param minoro the Minoro instance whose accounts it uses
     */
    public static MinoroAuthenticationProvider create(Vertx vertx, Minoro minoro) {
        return new MinoroAuthenticationProvider(new MinoroOnVertx(vertx, minoro));
    }

    /**
     * Checks {@link UsernamePasswordCredentials} (username: the email, compared case-insensitively).
     *
     * <p>Starts the check at once (password hashing runs on Minoro's hashing threads) and returns a future completed
     * on the caller's context: with the user, or failed with
     * <ul>
     *   <li>{@link CredentialValidationException} for other credentials, or a null username or password;</li>
     *   <li>Minoro's {@code InvalidCredentialsException} (unknown email or wrong password, the same for both),
     *       {@code AccountLockedException}, {@code AccountDisabledException} or {@code PasswordExpiredException} for
     *       a refused login;</li>
     *   <li>another {@code MinoroException} when Minoro could not answer (database failure, hashing queue full), which
     *       a failure handler can tell from a refused login ({@code BasicAuthHandler} answers 401 to all).</li>
     * </ul>
     *
     * <p>The login is never cancelled, even when the client goes away: Minoro counts a login that does not finish
     * as a failed attempt, so a client that hangs up would otherwise move its account towards a lockout.
     */
    @Override
    public Future<User> authenticate(Credentials credentials) {
        if (!(credentials instanceof UsernamePasswordCredentials)) {
            return Future.failedFuture(new CredentialValidationException(
                    "an email and a password (UsernamePasswordCredentials) are required"));
        }
        UsernamePasswordCredentials login = (UsernamePasswordCredentials) credentials;
        String email = login.getUsername();
        String password = login.getPassword();
        if (email == null || password == null) {
            return Future.failedFuture(new CredentialValidationException("an email and a password are required"));
        }
        return bridge.future(bridge.minoro().authenticate(email, password))
                .map(user -> User.create(new JsonObject()
                        .put("username", user.email())
                        .put("email", user.email())
                        .put("id", user.id().toString())
                        .put("displayName", user.displayName())));
    }

    @Override
    public String toString() {
        return "MinoroAuthenticationProvider{}";
    }
}
