package dev.minoro.sqlite.internal;

import io.r2dbc.spi.Row;
import org.jspecify.annotations.Nullable;

/**
 * One row of a result, read from SQLite before it is emitted: its values are plain Java objects, so reading
 * them does no I/O and is safe on any thread. See {@link SqliteValues} for the conversions.
 */
final class SqliteRow implements Row {

    private final SqliteRowMetadata metadata;
    private final @Nullable Object[] values;

    SqliteRow(SqliteRowMetadata metadata, @Nullable Object[] values) {
        this.metadata = metadata;
        this.values = values;
    }

    @Override
    public <T> @Nullable T get(int index, Class<T> type) {
        requireType(type);
        metadata.checkIndex(index);
        return SqliteValues.read(values[index], type, metadata.column(index));
    }

    @Override
    public <T> @Nullable T get(String name, Class<T> type) {
        requireType(type);
        int index = metadata.indexOf(name);
        return SqliteValues.read(values[index], type, metadata.column(index));
    }

    @Override
    public SqliteRowMetadata getMetadata() {
        return metadata;
    }

    private static void requireType(@Nullable Class<?> type) {
        if (type == null) {
            throw new IllegalArgumentException("type must not be null");
        }
    }

    @Override
    public String toString() {
        // values stay out: a row may hold a password hash
        return "SqliteRow{columns=" + metadata.size() + "}";
    }
}
