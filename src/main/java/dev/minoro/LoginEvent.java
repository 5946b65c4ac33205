package dev.minoro;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One {@link Minoro#authenticate(String, String)} call, as {@link Minoro#loginEvents()} reports it once it has
 * ended. It never holds the password, nor the email as typed: only its normalised form.
 *
 * @param userId  the account's id when one was found for the email (also for a wrong password, a locked or a
 *                disabled account); null for an unknown or malformed email, and when the login ended before the
 *                account was read ({@link LoginOutcome#OVERLOADED}, {@link LoginOutcome#INVALID_INPUT})
 * @param email   the normalised email (Unicode NFKC, then lower case); null when the email was absent or malformed
 * @param time    when the login ended, by the instance's clock ({@link MinoroConfig#clock()})
 * @param outcome how it ended
 */
public record LoginEvent(@Nullable UUID userId, @Nullable String email, Instant time, LoginOutcome outcome) {
}
