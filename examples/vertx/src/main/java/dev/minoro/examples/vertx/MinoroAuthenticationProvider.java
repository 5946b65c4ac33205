package dev.minoro.examples.vertx;

import dev.minoro.Minoro;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.CredentialValidationException;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;

/**
 * A Vert.x {@link AuthenticationProvider} that checks email and password with {@code Minoro.authenticate},
 * so Minoro's lockout, disabled accounts and rehashing apply. The Vert.x user's principal holds the
 * Minoro id, email and display name; it never holds the password.
 *
 * <p>A refused login fails the future with Minoro's {@code InvalidCredentialsException},
 * {@code AccountLockedException} or {@code AccountDisabledException}; other failures (database, overload)
 * with the corresponding Minoro exception.
 */
final class MinoroAuthenticationProvider implements AuthenticationProvider {

    private final Minoro minoro;

    MinoroAuthenticationProvider(Minoro minoro) {
        this.minoro = minoro;
    }

    @Override
    public Future<User> authenticate(Credentials credentials) {
        if (!(credentials instanceof UsernamePasswordCredentials)) {
            return Future.failedFuture(new CredentialValidationException("an email and a password are required"));
        }
        UsernamePasswordCredentials login = (UsernamePasswordCredentials) credentials;
        if (login.getUsername() == null || login.getPassword() == null) {
            return Future.failedFuture(new CredentialValidationException("an email and a password are required"));
        }
        return ReactorBridge.toFuture(minoro.authenticate(login.getUsername(), login.getPassword()))
                .map(user -> User.create(new JsonObject()
                        .put("username", user.email())
                        .put("id", user.id().toString())
                        .put("email", user.email())
                        .put("displayName", user.displayName())));
    }
}
