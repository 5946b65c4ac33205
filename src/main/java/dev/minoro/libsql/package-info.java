/**
 * Minoro's libSQL driver: an R2DBC SPI driver for a remote libSQL server (sqld, or Turso) over Hrana 3 on HTTP,
 * built on the JDK's asynchronous {@code HttpClient}; see {@link dev.minoro.libsql.LibsqlConnectionFactory}.
 */
@NullMarked
package dev.minoro.libsql;

import org.jspecify.annotations.NullMarked;
