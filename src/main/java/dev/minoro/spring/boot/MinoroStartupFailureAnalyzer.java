package dev.minoro.spring.boot;

import dev.minoro.ChecksumMismatchException;
import dev.minoro.ConfigurationException;
import dev.minoro.DatabaseException;
import dev.minoro.MigrationException;
import dev.minoro.MinoroException;
import dev.minoro.SchemaNotMigratedException;
import dev.minoro.SchemaTooNewException;
import java.util.List;
import java.util.Map;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a startup that failed because Minoro could not be configured or booted: Spring Boot's "APPLICATION
 * FAILED TO START" report with Minoro's message as the description and what to do about it as the action.
 */
final class MinoroStartupFailureAnalyzer extends AbstractFailureAnalyzer<MinoroStartupException> {

    /**
     * What to do about each kind of failure, the most specific kind first: the first whose type the failure is
     * gives the action.
     */
    private static final List<Map.Entry<Class<? extends MinoroException>, String>> ACTIONS = List.of(
            Map.entry(ConfigurationException.class, "Correct the property named above (its name or its value) in"
                    + " the minoro.* properties, or the value in the MinoroConfigCustomizer or MinoroConfig bean that"
                    + " set it."),
            Map.entry(SchemaTooNewException.class, "A newer Minoro migrated this database to a schema this"
                    + " application's Minoro may not run on: deploy the application with that Minoro version (or a"
                    + " later one)."),
            Map.entry(SchemaNotMigratedException.class, "Migrate the database before starting"
                    + " (Minoro.migrateDatabase from the deployment pipeline), or set"
                    + " minoro.database.run-migrations=true to let startup migrate it."),
            Map.entry(ChecksumMismatchException.class, "A migration applied to this database differs from the one"
                    + " this Minoro ships: find out which change was made to the database (or to Minoro) and undo it;"
                    + " Minoro will not run on it."),
            Map.entry(MigrationException.class, "Bringing the schema up to date failed and was rolled back: see the"
                    + " cause, fix it, and start again."),
            Map.entry(DatabaseException.class, "Check that the database in minoro.database.url is running and"
                    + " reachable from here, and that its user name, password and SSL settings are right."));

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, MinoroStartupException cause) {
        MinoroException e = cause.minoroException();
        return new FailureAnalysis("Minoro could not start: " + e.getMessage(), action(e), cause);
    }

    static String action(MinoroException e) {
        return ACTIONS.stream().filter(action -> action.getKey().isInstance(e)).map(Map.Entry::getValue).findFirst()
                .orElse("See the cause above.");
    }
}
