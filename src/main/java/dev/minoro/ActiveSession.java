package dev.minoro;

/**
 * A session found valid by {@link SessionRepository#validate(String)}, with its user as read in the same query.
 *
 * @param session the session, as renewed by the validation
 * @param user    the session's user
 */
public record ActiveSession(Session session, User user) {
}
