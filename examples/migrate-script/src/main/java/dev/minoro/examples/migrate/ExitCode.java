package dev.minoro.examples.migrate;

import dev.minoro.ConfigurationException;
import dev.minoro.MigrationException;

/** The exit codes of both programs, for pipelines that branch on them. */
enum ExitCode {

    /** Done: migrated, or (status) nothing pending. */
    OK(0),
    /** A migration failed or may not run: a script failed, a checksum differs, the schema is too new. */
    MIGRATION_FAILED(1),
    /** The environment is missing a variable or holds a malformed value. */
    BAD_CONFIGURATION(2),
    /** The database could not be reached or answered with an error, or the run timed out. */
    DATABASE_UNAVAILABLE(3),
    /** Status only: the database is reachable but migrations are pending. */
    PENDING(4);

    final int code;

    ExitCode(int code) {
        this.code = code;
    }

    static ExitCode of(Throwable failure) {
        if (failure instanceof ConfigurationException) {
            return BAD_CONFIGURATION;
        }
        if (failure instanceof MigrationException) {
            return MIGRATION_FAILED;
        }
        // DatabaseException, a timeout, anything else: the database did not answer as it should.
        return DATABASE_UNAVAILABLE;
    }
}
