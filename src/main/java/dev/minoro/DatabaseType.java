package dev.minoro;

/** The databases Minoro can keep its tables in. */
public enum DatabaseType {
    /** SQLite, through Minoro's own R2DBC driver over sqlite-jdbc ({@code dev.minoro.sqlite}). */
    SQLITE,
    /** PostgreSQL, through r2dbc-postgresql behind r2dbc-pool. */
    POSTGRES
}
