/**
 * Minoro's SQLite driver: an R2DBC SPI driver over sqlite-jdbc whose every JDBC call runs on a bounded
 * scheduler that the connection factory owns.
 */
@NullMarked
package dev.minoro.sqlite;

import org.jspecify.annotations.NullMarked;
