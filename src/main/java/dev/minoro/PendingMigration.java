package dev.minoro;

/**
 * A migration this version of Minoro ships that the database has not applied yet.
 *
 * @param version  its version
 * @param name     its name
 * @param checksum {@code sha256:} and the hex digest of the normalised script for this database
 */
public record PendingMigration(int version, String name, String checksum) {
}
