/**
 * What Minoro's two SQLite drivers ({@code dev.minoro.sqlite} on a local file, {@code dev.minoro.libsql} on a
 * libSQL server) share, from SQL scanning and value mapping to statements, rows and results; not API (the module
 * does not export it) and may change in any release.
 *
 * <p>It is the drivers' neutral home: neither driver imports the other, and neither imports Minoro's core, so code
 * both need lives here rather than in one of them. Public are only the types a driver package uses:
 * {@link dev.minoro.sqlite.internal.DriverConnection} (each driver's connection extends it),
 * {@link dev.minoro.sqlite.internal.BoundSql}, {@link dev.minoro.sqlite.internal.SqlScript},
 * {@link dev.minoro.sqlite.internal.BindingRules}, {@link dev.minoro.sqlite.internal.SqliteResult},
 * {@link dev.minoro.sqlite.internal.SqliteRowMetadata}, {@link dev.minoro.sqlite.internal.SqliteColumnMetadata},
 * {@link dev.minoro.sqlite.internal.SqliteValues}, {@link dev.minoro.sqlite.internal.SqliteResultCodes},
 * {@link dev.minoro.sqlite.internal.OptionValues}, {@link dev.minoro.sqlite.internal.OptionNames},
 * {@link dev.minoro.sqlite.internal.ConnectionSecrets} (also Minoro's one masker of connection strings),
 * {@link dev.minoro.sqlite.internal.Timeouts}, {@link dev.minoro.sqlite.internal.AsciiDigits} (also Minoro's, for
 * every number read from text), {@link dev.minoro.sqlite.internal.SharedThreads} (also the threads
 * of Minoro's login events), {@link dev.minoro.sqlite.internal.EveryError} (also Minoro's) and
 * {@link dev.minoro.sqlite.internal.TransactionSql}; statements, batches and rows, which the drivers reach only
 * through {@code DriverConnection} and the R2DBC SPI, are package-private.
 */
@NullMarked
package dev.minoro.sqlite.internal;

import org.jspecify.annotations.NullMarked;
