package dev.minoro.examples.vertx;

import dev.minoro.Minoro;
import io.vertx.core.Future;
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
 * Loads a user's Minoro roles (as {@link RoleBasedAuthorization}) and permissions (as
 * {@link PermissionBasedAuthorization}) into its Vert.x authorizations, for {@code AuthorizationHandler}.
 * Read from the database at each request, so a role granted or revoked counts at the next request.
 */
final class MinoroAuthorizationProvider implements AuthorizationProvider {

    private final Minoro minoro;

    MinoroAuthorizationProvider(Minoro minoro) {
        this.minoro = minoro;
    }

    @Override
    public String getId() {
        return "minoro";
    }

    @Override
    public Future<Void> getAuthorizations(User user) {
        UUID id = UUID.fromString(user.principal().getString("id"));
        Flux<Authorization> roles = minoro.roles().rolesOf(id).map(role -> RoleBasedAuthorization.create(role.name()));
        Flux<Authorization> permissions = minoro.roles().permissionsOf(id).map(PermissionBasedAuthorization::create);
        return ReactorBridge.toFuture(Flux.concat(roles, permissions).collect(HashSet<Authorization>::new, Set::add))
                .map(authorizations -> {
                    user.authorizations().put(getId(), authorizations);
                    return null;
                });
    }
}
