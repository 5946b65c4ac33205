package dev.minoro.internal.password;

import java.util.concurrent.Callable;
import reactor.util.context.ContextView;

/**
 * What {@link PasswordHasher} reports of its work, on the hashing thread as it happens: each task (one hash, one
 * verification or one dummy verification) and each Argon2 computation in it. When the config names an
 * {@code ObservationRegistry}, Minoro's instrumentation observes each task as {@code minoro.password.hashing}, with an
 * event {@code minoro.password.argon2} per Argon2 computation; {@link #NONE} reports nothing.
 */
public interface HashingObserver {

    /** Reports nothing. */
    HashingObserver NONE = new HashingObserver() {
    };

    /**
     * Runs {@code work}, one task, on the calling hashing thread: returns what it returns and throws what it throws.
     *
     * @param subscriber the Reactor context of the subscriber that asked for the work, where the observation of the
     *                   call it belongs to (a login, say) may be
     */
    default <T> T task(ContextView subscriber, Callable<T> work) throws Exception {
        return work.call();
    }

    /** One Argon2 computation (tens of milliseconds at the defaults) is about to start, in the running task. */
    default void argon2Started() {
    }
}
