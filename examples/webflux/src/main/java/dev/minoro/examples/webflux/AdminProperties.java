package dev.minoro.examples.webflux;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The example's own settings ({@code example.admin.*}); Minoro itself is configured by Minoro's {@code minoro.*}
 * properties alone (application.yml).
 *
 * @param email    if set, an account with this email and {@code password} gets the admin role at startup
 * @param password the bootstrap admin's password, used only when the account does not exist yet
 */
@ConfigurationProperties("example.admin")
public record AdminProperties(String email, String password) {

    /** Never shows the password. */
    @Override
    public String toString() {
        return "AdminProperties{email=" + email + '}';
    }
}
