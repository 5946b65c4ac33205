/**
 * Minoro's SQLite driver: an R2DBC SPI driver over sqlite-jdbc for a local database file, whose blocking JDBC
 * work runs on threads of its connection factory; see {@link dev.minoro.sqlite.SqliteConnectionFactory}.
 */
@NullMarked
package dev.minoro.sqlite;

import org.jspecify.annotations.NullMarked;
