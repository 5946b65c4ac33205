package dev.minoro.internal.database;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.Statement;

/**
 * What the migrator's work makes its statements with, and all it may do with the connection under it: the
 * transaction around the work is the {@link MigrationLock}'s to begin, commit or roll back. A connection is one
 * ({@code connection::createStatement}); the libSQL lock hands out {@link WriteBehindStatements}, which hold the
 * statements back and send them together.
 */
@FunctionalInterface
public interface StatementSource {

    /** {@return a statement of {@code sql}, as {@link Connection#createStatement(String)} makes one} */
    Statement createStatement(String sql);
}
