package dev.minoro.internal.repository;

import dev.minoro.MinoroConfig;
import dev.minoro.RoleRepository;
import dev.minoro.SessionRepository;
import dev.minoro.UserRepository;
import dev.minoro.internal.LoadedOnce;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.password.PasswordHasher;
import java.security.SecureRandom;
import reactor.core.publisher.Mono;

/**
 * The repositories of one Minoro instance, sharing its database, SQL (rewritten once for the
 * database), id generator and lifecycle.
 *
 * @param users    the user accounts
 * @param roles    the roles, memberships and permissions
 * @param logins   what password logins read and write
 * @param sessions the login sessions
 * @param springSessions what the Spring Session store reads and writes
 */
public record Repositories(UserRepository users, RoleRepository roles, LoginStore logins,
        SessionRepository sessions, SpringSessionStore springSessions) {

    private static final Mono<Boolean> WARM_UP = LoadedOnce.of(() -> {
        Inputs.preload();
        UuidV7.sharedDrbg();
        return Boolean.TRUE;
    });

    /**
     * A cold {@code Mono} that completes once the process-wide things the repositories need have been made, on
     * Reactor's bounded-elastic scheduler the first time in the class loader and at once after that
     * ({@link LoadedOnce}): the JDK's Unicode tables that input checks read, and the random generator of ids and
     * session tokens, seeded from the operating system. Both may block, and on a cold JVM they take tens of
     * milliseconds: a boot runs this beside opening its database, so that it pays the longer of the two, not
     * their sum, and {@link #create} then blocks on neither.
     */
    public static Mono<Void> warmUp() {
        return WARM_UP.then();
    }

    /**
     * The repositories over {@code database}. Seeds the process's random generator from the operating system
     * and loads the JDK's Unicode tables that input checks read when {@link #warmUp} has not yet done it, which
     * may block: call it where blocking is allowed, or after {@code warmUp()} completed.
     */
    public static Repositories create(Database database, MinoroConfig config, PasswordHasher hasher,
            Lifecycle lifecycle) {
        Inputs.preload();
        Sql sql = Sql.of(database.dialect());
        SecureRandom random = UuidV7.sharedDrbg();
        UuidV7 ids = new UuidV7(config.clock(), random);
        SessionTokens tokens = new SessionTokens(random);
        SqlUserRepository users = new SqlUserRepository(database, sql, config.clock(), ids, hasher, config, lifecycle);
        return new Repositories(
                users,
                new SqlRoleRepository(database, sql, config.clock(), ids, lifecycle, users),
                new LoginStore(database, sql),
                new SqlSessionRepository(database, sql, config, ids, tokens, lifecycle),
                new SpringSessionStore(database, sql, config.clock(), ids, tokens, lifecycle));
    }
}
