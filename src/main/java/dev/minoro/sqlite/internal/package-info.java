/**
 * What Minoro's two SQLite drivers ({@code dev.minoro.sqlite} on a local file, {@code dev.minoro.libsql} on a
 * libSQL server) share, from SQL scanning and value mapping to statements, rows and results: public only for
 * them, it is not API (the module does not export it) and may change in any release.
 */
@NullMarked
package dev.minoro.sqlite.internal;

import org.jspecify.annotations.NullMarked;
