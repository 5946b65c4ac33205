/**
 * The migrator: the ledger table {@code minoro_migrations}, the scripts shipped per database, the
 * one-statement fast path and the locked slow path.
 */
@NullMarked
package dev.minoro.internal.migration;

import org.jspecify.annotations.NullMarked;
