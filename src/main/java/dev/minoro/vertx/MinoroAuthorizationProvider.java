package dev.minoro.vertx;

import dev.minoro.Minoro;
import dev.minoro.RoleRepository;
import dev.minoro.sqlite.internal.AsciiDigits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authorization.Authorization;
import io.vertx.ext.auth.authorization.AuthorizationProvider;
import io.vertx.ext.auth.authorization.PermissionBasedAuthorization;
import io.vertx.ext.auth.authorization.RoleBasedAuthorization;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import reactor.core.publisher.Flux;

/**
 * A Vert.x {@link AuthorizationProvider} that loads a user's Minoro roles, as {@link RoleBasedAuthorization}s, and
 * permissions, as {@link PermissionBasedAuthorization}s, for {@code AuthorizationHandler}.
 *
 * <pre>{@code
 * router.get("/reports/*").handler(AuthorizationHandler.create(PermissionBasedAuthorization.create("reports:read"))
 *         .addAuthorizationProvider(MinoroAuthorizationProvider.create(vertx, minoro)));
 * }</pre>
 *
 * <p>The user is the one whose principal's {@code id} is a Minoro user id, as {@link MinoroAuthenticationProvider}
 * makes them. Role names are matched as stored (Vert.x compares them exactly). They are read from the database each
 * time, so a role granted or revoked counts at the user's next request.
 */
public final class MinoroAuthorizationProvider implements AuthorizationProvider {

    /** The provider id under which the authorizations are stored in the user. */
    public static final String ID = "minoro";

    private final MinoroOnVertx bridge;

    private MinoroAuthorizationProvider(MinoroOnVertx bridge) {
        this.bridge = bridge;
    }

    /**
     * {@return a provider reading from {@code minoro}; its futures complete on the caller's Vert.x context, or on one
     * of {@code vertx}'s when called from elsewhere}
     *
     * @param vertx the Vert.x instance the futures come back on
     * @param minoro the Minoro instance whose accounts it uses
     */
    public static MinoroAuthorizationProvider create(Vertx vertx, Minoro minoro) {
        return new MinoroAuthorizationProvider(new MinoroOnVertx(vertx, minoro));
    }

    /** {@value #ID}. */
    @Override
    public String getId() {
        return ID;
    }

    /**
     * Reads the user's roles and permissions (two queries, on Minoro's threads) and puts them in
     * {@code user.authorizations()} under {@value #ID}, replacing what was there; the future completes on the
     * caller's context. It fails with {@link IllegalArgumentException} when the principal has no Minoro user id (an
     * {@code "id"} that is a UUID in its canonical form, {@code UUID.toString()}'s), and with Minoro's exception when
     * the database fails. A user Minoro does not know gets no authorization. The
     * queries are not cancelled when the client goes away: they are short reads, and the future has no way to tell.
     */
    @Override
    public Future<Void> getAuthorizations(User user) {
        String id = user.principal().getString("id");
        if (id == null || !AsciiDigits.isCanonicalUuid(id)) {
            return Future.failedFuture(new IllegalArgumentException("the user's principal has no Minoro user id"
                    + " (\"id\", a UUID in its canonical form): authenticate with MinoroAuthenticationProvider"));
        }
        UUID userId = UUID.fromString(id);
        RoleRepository repository = bridge.minoro().roles();
        Flux<Authorization> roles = repository.rolesOf(userId).map(role -> RoleBasedAuthorization.create(role.name()));
        Flux<Authorization> permissions = repository.permissionsOf(userId).map(PermissionBasedAuthorization::create);
        return bridge.future(Flux.concat(roles, permissions).collect(HashSet<Authorization>::new, Set::add))
                .map(authorizations -> {
                    user.authorizations().put(ID, authorizations);
                    return null;
                });
    }

    @Override
    public String toString() {
        return "MinoroAuthorizationProvider{}";
    }
}
