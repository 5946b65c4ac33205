package dev.minoro;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What {@link UserRepository#importAll} did with one user of its input. It names the user by its position in the
 * input and its email as given; it never holds a password or a password hash.
 *
 * @param position the user's position in the input, from 0
 * @param email    the email as given
 * @param status   what became of the user
 * @param userId   the new user's id when {@link Status#CREATED}, otherwise null
 * @param reason   why it was refused when {@link Status#INVALID}: the message {@code create} would have failed
 *                 with (it never quotes a password or hash); otherwise null
 */
public record ImportResult(long position, String email, Status status, @Nullable UUID userId,
        @Nullable String reason) {

    /** What became of one imported user. */
    public enum Status {

        /** The user was created and committed. */
        CREATED,
        /**
         * The email was taken, by a user that existed already or by one earlier in the input; nothing was changed.
         */
        DUPLICATE,
        /**
         * The user was refused as {@link UserRepository#create} refuses it with {@link InvalidInputException}
         * (malformed email, password outside the configured length, a hash Minoro cannot import); see
         * {@link ImportResult#reason()}.
         */
        INVALID
    }
}
