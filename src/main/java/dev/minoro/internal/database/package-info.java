/**
 * The databases Minoro runs on, behind one {@link dev.minoro.internal.database.Database} seam: connection
 * strings, connection factories, dialects and the exception factory of each database.
 */
@NullMarked
package dev.minoro.internal.database;

import org.jspecify.annotations.NullMarked;
