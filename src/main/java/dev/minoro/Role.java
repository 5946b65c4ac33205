package dev.minoro;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A role: a named set of permissions that users are assigned.
 *
 * @param id          a UUIDv7
 * @param name        the name as given (lookups compare its NFKC, lower-cased form)
 * @param description a description, or null
 * @param createdAt   when the role was created
 */
public record Role(UUID id, String name, @Nullable String description, Instant createdAt) {
}
