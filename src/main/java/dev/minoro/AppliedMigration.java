package dev.minoro;

import java.time.Duration;
import java.time.Instant;

/**
 * A migration recorded in the ledger table {@code minoro_migrations}.
 *
 * @param version        its version: 1, 2, 3 … without gaps
 * @param name           its name, such as {@code create_schema}
 * @param checksum       {@code sha256:} and the hex digest of the normalised script
 * @param compatibleFrom the oldest code schema version that may still run against this version
 * @param appliedAt      when it was applied
 * @param duration       how long the script took
 * @param appliedBy      the Minoro version and host that applied it
 */
public record AppliedMigration(int version, String name, String checksum, int compatibleFrom, Instant appliedAt,
        Duration duration, String appliedBy) {
}
