package dev.minoro.sqlite.internal;

import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Parameter;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The mapping between Java values and SQLite's storage classes (NULL, INTEGER, REAL, TEXT, BLOB), both ways.
 *
 * <p>Binding turns a Java value into one of {@link Long}, {@link Double}, {@link String}, {@code byte[]} or
 * {@link #NULL} at {@code bind()} time, on the caller's thread (pure Java); {@link Blob} and {@link Clob}
 * stay streams until the statement executes. Reading converts what a row holds (the same four classes,
 * or null) to the type the caller asks for.
 */
public final class SqliteValues {

    /** The wrapper class of each primitive type. */
    private static final Map<Class<?>, Class<?>> WRAPPERS = Map.of(boolean.class, Boolean.class, byte.class,
            Byte.class, short.class, Short.class, char.class, Character.class, int.class, Integer.class, long.class,
            Long.class, float.class, Float.class, double.class, Double.class, void.class, Void.class);

    /** A bound SQL NULL (a bound value is never {@code null} itself, so that unbound is tellable). */
    public static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "NULL";
        }
    };

    /** {@code 2024-01-02 03:04:05[.123]}: what SQLite's {@code datetime()} and {@code CURRENT_TIMESTAMP} produce. */
    private static final DateTimeFormatter SQLITE_DATE_TIME = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .appendLiteral(' ')
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter();

    private SqliteValues() {
    }

    /**
     * What {@code value} binds as.
     *
     * @throws IllegalArgumentException for a type the driver does not map, or an OUT parameter; the
     *                                  message names the parameter and the type, never the value
     */
    public static Object bindable(Object value, String parameter) {
        if (value instanceof Parameter) {
            Parameter p = (Parameter) value;
            if (p instanceof Parameter.Out) {
                throw new IllegalArgumentException("parameter " + parameter
                        + " is an OUT parameter; SQLite has no OUT parameters");
            }
            Object inner = p.getValue();
            if (inner == null) {
                checkNullType(p.getType().getJavaType(), parameter);
                return NULL;
            }
            return bindable(inner, parameter);
        }
        if (value instanceof String || value instanceof Long || value instanceof Double) {
            return value;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof Boolean) {
            return (Boolean) value ? 1L : 0L;
        }
        if (value instanceof Float) {
            // through its decimal form, so that 0.1f binds as 0.1 rather than 0.10000000149011612
            return Double.parseDouble(value.toString());
        }
        if (value instanceof BigDecimal) {
            // TEXT keeps every digit; a column with NUMERIC affinity converts it as SQLite does
            return ((BigDecimal) value).toString();
        }
        if (value instanceof BigInteger) {
            BigInteger big = (BigInteger) value;
            return big.bitLength() < 64 ? (Object) big.longValue() : big.toString();
        }
        if (value instanceof byte[]) {
            return ((byte[]) value).clone();
        }
        if (value instanceof ByteBuffer) {
            ByteBuffer buffer = ((ByteBuffer) value).duplicate();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        }
        if (value instanceof UUID) {
            return value.toString();
        }
        if (value instanceof Instant) {
            return ((Instant) value).toEpochMilli();
        }
        if (value instanceof LocalDate || value instanceof LocalDateTime || value instanceof LocalTime
                || value instanceof OffsetDateTime) {
            return value.toString();
        }
        if (value instanceof ZonedDateTime) {
            return ((ZonedDateTime) value).toOffsetDateTime().toString();
        }
        if (value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Blob || value instanceof Clob) {
            return value;
        }
        throw new IllegalArgumentException("cannot bind a value of type " + value.getClass().getName()
                + " to parameter " + parameter + "; the SQLite driver binds String, Integer, Long, Short, Byte,"
                + " Boolean, Double, Float, BigDecimal, BigInteger, byte[], ByteBuffer, Blob, Clob, UUID, Instant,"
                + " LocalDate, LocalDateTime, LocalTime, OffsetDateTime and ZonedDateTime");
    }

    public static void checkNullType(@Nullable Class<?> type, String parameter) {
        if (type == null) {
            throw new IllegalArgumentException("type of the NULL bound to parameter " + parameter
                    + " must not be null");
        }
    }

    /** A {@link Blob} or {@link Clob} read into the {@code byte[]} or {@link String} it binds as. */
    public static Mono<Object> resolve(Object bound) {
        if (bound instanceof Blob) {
            return Flux.from(((Blob) bound).stream())
                    .collect(ByteArrayOutputStream::new, (out, buffer) -> {
                        ByteBuffer copy = buffer.duplicate();
                        byte[] bytes = new byte[copy.remaining()];
                        copy.get(bytes);
                        out.write(bytes, 0, bytes.length);
                    })
                    .map(out -> (Object) out.toByteArray());
        }
        if (bound instanceof Clob) {
            return Flux.from(((Clob) bound).stream())
                    .collect(StringBuilder::new, StringBuilder::append)
                    .map(text -> (Object) text.toString());
        }
        return Mono.just(bound);
    }

    /**
     * What {@code Row.get(i)} returns: INTEGER as {@link Integer} when it fits in 32 bits (as sqlite-jdbc's
     * {@code getObject} does; always {@link Long} in a column declared {@code BIGINT} or {@code INT8}),
     * otherwise {@link Long}; REAL as {@link Double}; TEXT as {@link String}; BLOB as a read-only
     * {@link ByteBuffer}.
     */
    static @Nullable Object natural(@Nullable Object stored, SqliteColumnMetadata column) {
        if (stored instanceof Long) {
            long value = (Long) stored;
            if (!column.wide() && value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE) {
                return (int) value;
            }
            return value;
        }
        if (stored instanceof byte[]) {
            return ByteBuffer.wrap(((byte[]) stored).clone()).asReadOnlyBuffer();
        }
        return stored;
    }

    /**
     * Converts a stored value to {@code type}.
     *
     * @throws IllegalArgumentException when the value cannot be read as {@code type}; the message names
     *                                  the column, the storage class and the type, never the value
     */
    @SuppressWarnings("unchecked")
    static <T> @Nullable T read(@Nullable Object stored, Class<T> requested, SqliteColumnMetadata column) {
        if (stored == null) {
            return null;
        }
        Class<?> type = boxed(requested);
        Object result = convert(stored, type, column);
        if (result == null) {
            throw cannotConvert(stored, requested, column, null);
        }
        return (T) result;
    }

    private static @Nullable Object convert(Object stored, Class<?> type, SqliteColumnMetadata column) {
        if (type == Object.class) {
            return natural(stored, column);
        }
        try {
            if (stored instanceof Long) {
                return fromInteger((Long) stored, type, column);
            }
            if (stored instanceof Double) {
                return fromReal((Double) stored, type, column);
            }
            if (stored instanceof String) {
                return fromText((String) stored, type, column);
            }
            if (stored instanceof byte[]) {
                return fromBlob((byte[]) stored, type);
            }
        } catch (ArithmeticException | IllegalArgumentException | DateTimeParseException e) {
            // the parsers' own messages may quote the value, which can be a secret: name only the failure
            throw cannotConvert(stored, type, column, e);
        }
        return null;
    }

    private static @Nullable Object fromInteger(long value, Class<?> type, SqliteColumnMetadata column) {
        if (type == Long.class || type == Number.class) {
            return value;
        }
        if (type == Integer.class) {
            return Math.toIntExact(value);
        }
        if (type == Short.class) {
            if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
                throw new ArithmeticException("out of range");
            }
            return (short) value;
        }
        if (type == Byte.class) {
            if (value < Byte.MIN_VALUE || value > Byte.MAX_VALUE) {
                throw new ArithmeticException("out of range");
            }
            return (byte) value;
        }
        if (type == Boolean.class) {
            if (value == 0 || value == 1) {
                return value == 1;
            }
            throw new ArithmeticException("not 0 or 1");
        }
        if (type == Double.class) {
            return (double) value;
        }
        if (type == Float.class) {
            return (float) value;
        }
        if (type == BigDecimal.class) {
            return BigDecimal.valueOf(value);
        }
        if (type == BigInteger.class) {
            return BigInteger.valueOf(value);
        }
        if (type == String.class) {
            return Long.toString(value);
        }
        if (type == Instant.class) {
            return Instant.ofEpochMilli(value);
        }
        if (type == OffsetDateTime.class) {
            return Instant.ofEpochMilli(value).atOffset(ZoneOffset.UTC);
        }
        return null;
    }

    private static @Nullable Object fromReal(double value, Class<?> type, SqliteColumnMetadata column) {
        if (type == Double.class || type == Number.class) {
            return value;
        }
        if (type == Float.class) {
            return (float) value;
        }
        if (type == BigDecimal.class) {
            return BigDecimal.valueOf(value);
        }
        if (type == String.class) {
            return Double.toString(value);
        }
        if (type == Long.class || type == Integer.class || type == Short.class || type == Byte.class
                || type == BigInteger.class) {
            // a whole number kept as REAL (NUMERIC affinity, or arithmetic) reads as an integer type
            if (value != Math.rint(value) || Double.isInfinite(value)) {
                throw new ArithmeticException("not a whole number");
            }
            BigDecimal exact = BigDecimal.valueOf(value);
            if (type == BigInteger.class) {
                return exact.toBigIntegerExact();
            }
            return fromInteger(exact.longValueExact(), type, column);
        }
        return null;
    }

    private static @Nullable Object fromText(String value, Class<?> type, SqliteColumnMetadata column) {
        if (type == String.class || type == CharSequence.class) {
            return value;
        }
        if (type == Clob.class) {
            return Clob.from(Mono.just(value));
        }
        if (type == UUID.class) {
            // UUID.fromString accepts short groups such as 1-2-3-4-5; only the canonical form round-trips
            if (!AsciiDigits.isCanonicalUuid(value)) {
                throw new NumberFormatException("not a canonical UUID");
            }
            return UUID.fromString(value);
        }
        if (type == Instant.class) {
            return parseInstant(value);
        }
        if (type == LocalDate.class) {
            return LocalDate.parse(value);
        }
        if (type == LocalDateTime.class) {
            return value.length() > 10 && value.charAt(10) == ' '
                    ? LocalDateTime.parse(value, SQLITE_DATE_TIME)
                    : LocalDateTime.parse(value);
        }
        if (type == LocalTime.class) {
            return LocalTime.parse(value);
        }
        if (type == OffsetDateTime.class) {
            return OffsetDateTime.parse(value);
        }
        if (type == ZonedDateTime.class) {
            return ZonedDateTime.parse(value);
        }
        if (type == BigDecimal.class) {
            String text = value.strip();
            if (!AsciiDigits.isAscii(text)) {
                throw new NumberFormatException("not a decimal number in ASCII");
            }
            return new BigDecimal(text);
        }
        if (type == BigInteger.class) {
            String text = value.strip();
            if (!AsciiDigits.isDecimal(text, true)) {
                throw new NumberFormatException("not a whole number in ASCII digits");
            }
            return new BigInteger(text);
        }
        if (type == Character.class && value.length() == 1) {
            return value.charAt(0);
        }
        return null;
    }

    private static @Nullable Object fromBlob(byte[] value, Class<?> type) {
        if (type == byte[].class) {
            return value.clone();
        }
        if (type == ByteBuffer.class) {
            return ByteBuffer.wrap(value.clone()).asReadOnlyBuffer();
        }
        if (type == Blob.class) {
            byte[] copy = value.clone();
            return Blob.from(Mono.fromSupplier(() -> ByteBuffer.wrap(copy)));
        }
        if (type == UUID.class && value.length == 16) {
            ByteBuffer buffer = ByteBuffer.wrap(value);
            return new UUID(buffer.getLong(), buffer.getLong());
        }
        return null;
    }

    /** ISO-8601 with an offset or {@code Z}, or SQLite's {@code YYYY-MM-DD HH:MM:SS[.SSS]} in UTC. */
    private static Instant parseInstant(String value) {
        if (value.length() > 10 && value.charAt(10) == ' ') {
            return LocalDateTime.parse(value, SQLITE_DATE_TIME).toInstant(ZoneOffset.UTC);
        }
        return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    }

    private static IllegalArgumentException cannotConvert(Object stored, Class<?> type, SqliteColumnMetadata column,
            @Nullable Exception cause) {
        String message = "column '" + column.getName() + "' holds " + storageClass(stored)
                + " that cannot be read as " + type.getName()
                + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")");
        return new IllegalArgumentException(message);
    }

    /** SQLite's name for the storage class of a stored value, with its article. */
    static String storageClass(@Nullable Object stored) {
        if (stored == null) {
            return "a NULL";
        }
        if (stored instanceof Long) {
            return "an INTEGER";
        }
        if (stored instanceof Double) {
            return "a REAL";
        }
        if (stored instanceof String) {
            return "a TEXT";
        }
        return "a BLOB";
    }

    /** The wrapper class of a primitive type ({@code Integer} for {@code int}); any other type as it is. */
    private static Class<?> boxed(Class<?> type) {
        // a class not primitive (every value read asks) goes as it is; MethodType.wrap() interned a MethodType per call
        return type.isPrimitive() ? WRAPPERS.get(type) : type;
    }
}
