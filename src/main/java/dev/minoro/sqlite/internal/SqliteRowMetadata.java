package dev.minoro.sqlite.internal;

import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * The columns of a result, shared by all its rows; names are looked up case-insensitively, first match wins.
 */
public final class SqliteRowMetadata implements RowMetadata {

    private final List<SqliteColumnMetadata> columns;
    private final Map<String, Integer> indexes;

    public SqliteRowMetadata(List<SqliteColumnMetadata> columns) {
        this.columns = List.copyOf(columns);
        this.indexes = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            indexes.putIfAbsent(columns.get(i).getName().toLowerCase(Locale.ROOT), i);
        }
    }

    /** A row of these columns holding {@code values}, one per column, each in one of the forms SQLite returns. */
    public Row row(@Nullable Object[] values) {
        return new SqliteRow(this, values);
    }

    int size() {
        return columns.size();
    }

    /** @throws IndexOutOfBoundsException for an index outside {@code 0 … size-1} */
    int checkIndex(int index) {
        if (index < 0 || index >= columns.size()) {
            throw new IndexOutOfBoundsException("column index " + index + " is out of range: the result has "
                    + columns.size() + (columns.size() == 1 ? " column" : " columns"));
        }
        return index;
    }

    /** @throws NoSuchElementException for a name that no column has */
    int indexOf(String name) {
        if (name == null) {
            throw new IllegalArgumentException("column name must not be null");
        }
        Integer index = indexes.get(name.toLowerCase(Locale.ROOT));
        if (index == null) {
            throw new NoSuchElementException("no column named '" + name + "' in the result; its columns are "
                    + columns.stream().map(SqliteColumnMetadata::getName).toList());
        }
        return index;
    }

    SqliteColumnMetadata column(int index) {
        return columns.get(index);
    }

    @Override
    public SqliteColumnMetadata getColumnMetadata(int index) {
        return columns.get(checkIndex(index));
    }

    @Override
    public SqliteColumnMetadata getColumnMetadata(String name) {
        return columns.get(indexOf(name));
    }

    @Override
    public List<SqliteColumnMetadata> getColumnMetadatas() {
        return columns;
    }

    @Override
    public boolean contains(String columnName) {
        return columnName != null && indexes.containsKey(columnName.toLowerCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return "SqliteRowMetadata" + columns;
    }
}
