/**
 * Minoro's public API: user accounts, roles and permissions kept in SQLite or PostgreSQL and exposed
 * through cold Reactor publishers, starting from {@link dev.minoro.Minoro}.
 */
@NullMarked
package dev.minoro;

import org.jspecify.annotations.NullMarked;
