package dev.minoro.benchmarks;

import dev.minoro.Minoro;
import dev.minoro.NewUser;
import reactor.core.publisher.Mono;

/** The measured operations through Minoro's public API, numbered as {@link Workload} numbers them. */
final class MinoroOperations {

    private final Minoro minoro;
    private final Workload workload;

    MinoroOperations(Minoro minoro, Workload workload) {
        this.minoro = minoro;
        this.workload = workload;
    }

    Mono<?> findByEmail(long k) {
        return minoro.users().findByEmail(Seed.email(Workload.user(k)));
    }

    Mono<?> hasPermission(long k) {
        int user = Workload.user(k);
        return minoro.roles().hasPermission(Seed.userId(user), Seed.heldPermission(user));
    }

    Mono<?> permissionsOf(long k) {
        return minoro.roles().permissionsOf(Seed.userId(Workload.user(k))).collectList();
    }

    /** {@code users().create} without a password: no hash, one insert. */
    Mono<?> create(long k) {
        return minoro.users().create(NewUser.of(workload.newEmail(k), null));
    }

    /** {@code sessions().validate}: the session and its user, renewed at most once per renewal interval. */
    Mono<?> validate(String token) {
        return minoro.sessions().validate(token);
    }

    Mono<?> assign(long k) {
        return minoro.roles().assign(Seed.userId(Workload.assignUser(k)), Workload.assignRole(k));
    }
}
