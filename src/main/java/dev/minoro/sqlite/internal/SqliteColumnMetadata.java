package dev.minoro.sqlite.internal;

import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Type;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One column of a result: its label, its declared type and what that makes of its values.
 *
 * <p>SQLite types values, not columns: a column's declared type only gives it an <em>affinity</em>
 * (<a href="https://www.sqlite.org/datatype3.html#determination_of_column_affinity">SQLite: column
 * affinity</a>). {@link #getJavaType()} follows the affinity: {@link Integer} for INTEGER ({@link Long} when
 * declared {@code BIGINT} or {@code INT8}, and for any value outside 32 bits), {@link String} for TEXT,
 * {@link Double} for REAL, {@link ByteBuffer} for BLOB and {@link Object} for NUMERIC, whose values may be of
 * any class. A computed column has no declared type; its type is then that of the first row's value.
 */
public final class SqliteColumnMetadata implements ColumnMetadata {

    private final String name;
    private final @Nullable String declaredType;
    private final Type type;
    private final boolean wide;
    private final Nullability nullability;

    private SqliteColumnMetadata(String name, @Nullable String declaredType, Type type, boolean wide,
            Nullability nullability) {
        this.name = name;
        this.declaredType = declaredType;
        this.type = type;
        this.wide = wide;
        this.nullability = nullability;
    }

    /**
     * @param declaredType the declared type of the column the value comes from, or null for an expression
     * @param firstValue   the first row's value (used only when there is no declared type)
     */
    public static SqliteColumnMetadata of(String name, @Nullable String declaredType, Nullability nullability,
            @Nullable Object firstValue) {
        if (declaredType == null) {
            return new SqliteColumnMetadata(name, null, storageType(firstValue), false, nullability);
        }
        String upper = declaredType.toUpperCase(Locale.ROOT);
        boolean wide = upper.contains("BIGINT") || upper.contains("INT8");
        return new SqliteColumnMetadata(name, declaredType, new ColumnType(declaredType, affinityJavaType(upper, wide)),
                wide, nullability);
    }

    /** The Java type of a declared type's affinity, by SQLite's five rules in their order. */
    private static Class<?> affinityJavaType(String upper, boolean wide) {
        if (upper.contains("INT")) {
            return wide ? Long.class : Integer.class;
        }
        if (upper.contains("CHAR") || upper.contains("CLOB") || upper.contains("TEXT")) {
            return String.class;
        }
        if (upper.contains("BLOB") || upper.isEmpty()) {
            return ByteBuffer.class;
        }
        if (upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB")) {
            return Double.class;
        }
        return Object.class;
    }

    private static Type storageType(@Nullable Object value) {
        if (value instanceof Long) {
            return new ColumnType("INTEGER", Integer.class);
        }
        if (value instanceof Double) {
            return new ColumnType("REAL", Double.class);
        }
        if (value instanceof String) {
            return new ColumnType("TEXT", String.class);
        }
        if (value instanceof byte[]) {
            return new ColumnType("BLOB", ByteBuffer.class);
        }
        return new ColumnType("NULL", Object.class);
    }

    /** Whether INTEGER values always read as {@link Long} (declared {@code BIGINT} or {@code INT8}). */
    boolean wide() {
        return wide;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public Type getType() {
        return type;
    }

    @Override
    public Class<?> getJavaType() {
        return type.getJavaType();
    }

    /** The declared type as written in the table's definition, such as {@code VARCHAR(100)}; null for expressions. */
    @Override
    public @Nullable Object getNativeTypeMetadata() {
        return declaredType;
    }

    /**
     * {@link Nullability#NON_NULL} for a table column declared {@code NOT NULL},
     * {@link Nullability#NULLABLE} for other table columns (as SQLite's {@code sqlite3_table_column_metadata}
     * reports them), {@link Nullability#UNKNOWN} for expressions.
     */
    @Override
    public Nullability getNullability() {
        return nullability;
    }

    @Override
    public String toString() {
        return "SqliteColumnMetadata{name=" + name + ", declaredType=" + declaredType + ", javaType="
                + type.getJavaType().getName() + ", nullability=" + nullability + "}";
    }

    /** A column's R2DBC {@link Type}: its declared type's name and the Java type of its affinity. */
    private record ColumnType(String getName, Class<?> getJavaType) implements Type {
    }
}
