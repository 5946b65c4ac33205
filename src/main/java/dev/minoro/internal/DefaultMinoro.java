package dev.minoro.internal;

import dev.minoro.Minoro;
import java.time.Clock;
import dev.minoro.MinoroConfig;
import dev.minoro.RoleRepository;
import dev.minoro.SessionRepository;
import dev.minoro.User;
import dev.minoro.UserRepository;
import dev.minoro.LoginEvent;
import dev.minoro.internal.auth.Authenticator;
import dev.minoro.internal.auth.LoginEvents;
import dev.minoro.internal.database.Database;
import dev.minoro.internal.metrics.Instrumentation;
import dev.minoro.internal.password.PasswordHasher;
import dev.minoro.internal.repository.Lifecycle;
import dev.minoro.internal.repository.Repositories;
import dev.minoro.internal.repository.SpringSessionStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** A running Minoro: one database, one hashing scheduler, the repositories over them. */
final class DefaultMinoro implements Minoro {

    private static final Logger log = LoggerFactory.getLogger(DefaultMinoro.class);

    private final Database database;
    private final PasswordHasher hasher;
    private final Lifecycle lifecycle;
    private final Repositories repositories;
    private final Authenticator authenticator;
    private final LoginEvents loginEvents;
    private final Mono<Void> closing;
    private final Clock clock;

    private DefaultMinoro(Database database, PasswordHasher hasher, MinoroConfig config,
            Instrumentation instrumentation) {
        this.database = database;
        this.hasher = hasher;
        this.lifecycle = new Lifecycle();
        this.clock = config.clock();
        this.repositories = Repositories.create(database, config, hasher, lifecycle);
        this.loginEvents = new LoginEvents(clock, config.loginEventBufferSize(), LoginEvents.delivery());
        this.authenticator = new Authenticator(repositories.logins(), hasher, config, instrumentation, loginEvents);
        // Removed before close() completes: whoever sees it complete sees no gauge of this instance.
        Runnable stopReporting = instrumentation.instance(hasher, database, loginEvents);
        this.closing = Mono.defer(() -> {
            lifecycle.close();
            authenticator.close();
            loginEvents.complete();
            return Mono.whenDelayError(database.close(), hasher.close());
        }).doOnTerminate(stopReporting).cache();
    }

    /**
     * Starts an instance over an opened, migrated database; its hashing threads start at the first hash. Blocks
     * only when {@link Repositories#warmUp} has not completed in this class loader (see {@link Repositories#create}).
     * When it fails, the caller still owns {@code database}.
     */
    static DefaultMinoro start(Database database, MinoroConfig config, Instrumentation instrumentation) {
        PasswordHasher hasher = PasswordHasher.create(config, instrumentation.hashing());
        try {
            return new DefaultMinoro(database, hasher, config, instrumentation);
        } catch (RuntimeException | Error e) {
            hasher.close().subscribe();
            throw e;
        }
    }

    @Override
    public UserRepository users() {
        return repositories.users();
    }

    @Override
    public RoleRepository roles() {
        return repositories.roles();
    }

    /** What the Spring Session store of this instance reads and writes. */
    SpringSessionStore springSessionStore() {
        return repositories.springSessions();
    }

    @Override
    public SessionRepository sessions() {
        return repositories.sessions();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Mono<User> authenticate(String email, String password) {
        return lifecycle.mono(() -> authenticator.authenticate(email, password));
    }

    @Override
    public Flux<LoginEvent> loginEvents() {
        return loginEvents.events();
    }

    @Override
    public long droppedLoginEvents() {
        return loginEvents.dropped();
    }

    @Override
    public Mono<Void> close() {
        return closing;
    }

    @Override
    public void dispose() {
        closing.subscribe(null, e -> log.warn("Closing {} failed.", this, e));
    }

    @Override
    public boolean isDisposed() {
        return lifecycle.isClosed();
    }

    @Override
    public String toString() {
        return "Minoro{" + database.description() + '}';
    }
}
