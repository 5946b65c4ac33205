package dev.minoro.sqlite;

import static dev.minoro.testing.R2dbcCalls.query;
import static dev.minoro.testing.R2dbcCalls.update;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.OtherScriptDigits;
import dev.minoro.testing.R2dbcCalls;
import io.r2dbc.spi.Blob;
import io.r2dbc.spi.Clob;
import io.r2dbc.spi.Nullability;
import io.r2dbc.spi.Readable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Java values in and out of SQLite's storage classes, both ways. */
final class SqliteTypeMappingIntegrationTests {

    @RegisterExtension
    final SqliteFileExtension sqlite = SqliteFileExtension.of("types.db",
            "CREATE TABLE v (i INTEGER, b BIGINT, r REAL, t TEXT NOT NULL DEFAULT '', x BLOB, n NUMERIC)");

    private SqliteConnectionFactory factory;

    @BeforeEach
    void open() {
        factory = sqlite.open();
    }

    private static void same(Object expected, Object actual) {
        assertEquals(expected, actual);
    }

    private <T> T roundTrip(String column, Object value, Function<Readable, T> read) {
        update(factory, "DELETE FROM v").block(SqliteTesting.TIMEOUT);
        update(factory, "INSERT INTO v (" + column + ") VALUES (?1)", value).block(SqliteTesting.TIMEOUT);
        return query(factory, "SELECT " + column + ", typeof(" + column + ") FROM v", read).blockFirst(SqliteTesting.TIMEOUT);
    }

    private String storedAs(String column, Object value) {
        return roundTrip(column, value, r -> r.get(1, String.class));
    }

    @Test
    void instantsAreEpochMillisecondsInIntegers() {
        Instant instant = Instant.parse("2024-05-06T07:08:09.123Z");
        same(instant, roundTrip("i", instant, r -> r.get(0, Instant.class)));
        same("integer", storedAs("i", instant));
        same(instant.toEpochMilli(), roundTrip("i", instant, r -> r.get(0, Long.class)));
    }

    @Test
    void instantsAlsoReadFromIsoText() {
        same(Instant.parse("2024-05-06T07:08:09Z"), roundTrip("t", "2024-05-06T09:08:09+02:00",
                r -> r.get(0, Instant.class)));
        same(Instant.parse("2024-05-06T07:08:09Z"), roundTrip("t", "2024-05-06 07:08:09",
                r -> r.get(0, Instant.class)));
    }

    @Test
    void uuidsAreCanonicalLowerCaseText() {
        UUID uuid = UUID.fromString("0190F0E4-7C3A-7B1E-9A2B-3C4D5E6F7A8B");
        same("0190f0e4-7c3a-7b1e-9a2b-3c4d5e6f7a8b", roundTrip("t", uuid, r -> r.get(0, String.class)));
        same(uuid, roundTrip("t", uuid, r -> r.get(0, UUID.class)));
        same("text", storedAs("t", uuid));
    }

    @Test
    void uuidsAlsoReadFromSixteenByteBlobs() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        same(uuid, roundTrip("x", bytes.array(), r -> r.get(0, UUID.class)));
    }

    @Test
    void booleansAreZeroOrOne() {
        same(Boolean.TRUE, roundTrip("i", true, r -> r.get(0, Boolean.class)));
        same(Boolean.FALSE, roundTrip("i", false, r -> r.get(0, Boolean.class)));
        same(1, roundTrip("i", true, r -> r.get(0)));
        same("integer", storedAs("i", false));
    }

    @Test
    void numbersKeepTheirValue() {
        same(Long.MAX_VALUE, roundTrip("b", Long.MAX_VALUE, r -> r.get(0, Long.class)));
        same(42, roundTrip("i", 42, r -> r.get(0, Integer.class)));
        same((short) 7, roundTrip("i", (short) 7, r -> r.get(0, Short.class)));
        same(0.1d, roundTrip("r", 0.1f, r -> r.get(0, Double.class)));
        same(2.5d, roundTrip("r", 2.5d, r -> r.get(0, Double.class)));
        same(new BigDecimal("12345678901234567890.123456789"),
                roundTrip("t", new BigDecimal("12345678901234567890.123456789"), r -> r.get(0, BigDecimal.class)));
        same(3L, roundTrip("n", 3.0d, r -> r.get(0, Long.class)));
    }

    /** {@code Row.get(i, int.class)} and the like read as the wrapper type would. */
    @Test
    void primitiveTypesReadAsTheirWrappers() {
        same(42, roundTrip("i", 42, r -> r.get(0, int.class)));
        same(Long.MAX_VALUE, roundTrip("b", Long.MAX_VALUE, r -> r.get(0, long.class)));
        same((short) 7, roundTrip("i", 7, r -> r.get(0, short.class)));
        same((byte) 7, roundTrip("i", 7, r -> r.get(0, byte.class)));
        same(Boolean.TRUE, roundTrip("i", true, r -> r.get(0, boolean.class)));
        same(2.5d, roundTrip("r", 2.5d, r -> r.get(0, double.class)));
        same(2.5f, roundTrip("r", 2.5d, r -> r.get(0, float.class)));
    }

    @Test
    void naturalTypesFollowTheStorageClassAndDeclaredType() {
        same(5, roundTrip("i", 5L, r -> r.get(0)));
        same(5_000_000_000L, roundTrip("i", 5_000_000_000L, r -> r.get(0)));
        same(5L, roundTrip("b", 5, r -> r.get(0)));
        same(1.5d, roundTrip("r", 1.5d, r -> r.get(0, Object.class)));
        same("s", roundTrip("t", "s", r -> r.get(0)));
        same(ByteBuffer.wrap(new byte[] {1, 2}), roundTrip("x", new byte[] {1, 2}, r -> r.get(0)));
        same(Boolean.TRUE, roundTrip("i", io.r2dbc.spi.Parameters.in(Long.class), r -> r.get(0) == null && r.get(0, UUID.class) == null));
    }

    @Test
    void bytesAreBlobs() {
        byte[] bytes = {0, 1, 2, (byte) 255};
        assertArrayEquals(bytes, roundTrip("x", bytes, r -> r.get(0, byte[].class)));
        assertArrayEquals(bytes, roundTrip("x", ByteBuffer.wrap(bytes), r -> r.get(0, byte[].class)));
        same("blob", storedAs("x", bytes));
        Blob blob = roundTrip("x", Blob.from(Mono.just(ByteBuffer.wrap(bytes))), r -> r.get(0, Blob.class));
        Flux.from(blob.stream()).map(b -> {
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }).as(StepVerifier::create).assertNext(out -> assertArrayEquals(bytes, out)).verifyComplete();
    }

    @Test
    void clobsAreText() {
        String text = "héllo wörld";
        same(text, roundTrip("t", Clob.from(Flux.just("héllo", " wörld")), r -> r.get(0, String.class)));
        Clob clob = roundTrip("t", text, r -> r.get(0, Clob.class));
        Flux.from(clob.stream()).reduce(new StringBuilder(), StringBuilder::append).map(StringBuilder::toString)
                .as(StepVerifier::create).expectNext(text).verifyComplete();
        same(text, new String(roundTrip("x", text.getBytes(StandardCharsets.UTF_8),
                r -> r.get(0, byte[].class)), StandardCharsets.UTF_8));
    }

    @Test
    void datesAndTimesAreIsoText() {
        LocalDate date = LocalDate.of(2024, 2, 29);
        LocalDateTime dateTime = LocalDateTime.of(2024, 2, 29, 23, 59, 58, 123_000_000);
        OffsetDateTime offset = OffsetDateTime.of(dateTime, ZoneOffset.ofHours(2));
        same("2024-02-29", roundTrip("t", date, r -> r.get(0, String.class)));
        same(date, roundTrip("t", date, r -> r.get(0, LocalDate.class)));
        same(dateTime, roundTrip("t", dateTime, r -> r.get(0, LocalDateTime.class)));
        same(offset, roundTrip("t", offset, r -> r.get(0, OffsetDateTime.class)));
        same(LocalDateTime.of(2024, 2, 29, 1, 2, 3), roundTrip("t", "2024-02-29 01:02:03",
                r -> r.get(0, LocalDateTime.class)));
    }

    @Test
    void aValueThatCannotConvertFailsNamingColumnStoredTypeAndRequestedType() {
        update(factory, "INSERT INTO v (i, t) VALUES (7, 'not a uuid')").block(SqliteTesting.TIMEOUT);
        query(factory, "SELECT i AS count_of_things, t FROM v", r -> r.get("count_of_things", UUID.class))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(IllegalArgumentException.class, e);
                    same("column 'count_of_things' holds an INTEGER that cannot be read as java.util.UUID",
                            e.getMessage());
                })
                .verify(SqliteTesting.TIMEOUT);
        query(factory, "SELECT t FROM v", r -> r.get("t", UUID.class))
                .as(StepVerifier::create)
                .expectErrorSatisfies(e -> {
                    assertInstanceOf(IllegalArgumentException.class, e);
                    // the value itself stays out of the message: it could be a secret
                    assertFalse(e.getMessage().contains("not a uuid"), e.getMessage());
                    assertTrue(e.getMessage().startsWith("column 't' holds a TEXT that cannot be read as java.util.UUID"),
                            e.getMessage());
                })
                .verify(SqliteTesting.TIMEOUT);
        // numbers and UUIDs in the digits of other scripts, which BigInteger, BigDecimal and UUID.fromString read
        // as ASCII ones (as SQLite does not: CAST('١٢' AS INTEGER) is 0)
        String uuid = "0190f0e4-7c3a-7b1e-9a2b-3c4d5e6f7a8b";
        for (int i = 0; i < 5; i++) {
            String number = OtherScriptDigits.of("12").get(i);
            String decimal = OtherScriptDigits.of("12.5").get(i);
            String id = OtherScriptDigits.of(uuid).get(i);
            for (Object[] value : new Object[][] {{number, BigInteger.class}, {decimal, BigDecimal.class},
                    {id, UUID.class}, {"1-2-3-4-5", UUID.class}}) {
                Class<?> type = (Class<?>) value[1];
                query(factory, "SELECT ?1 AS t", r -> r.get("t", type), value[0])
                        .as(StepVerifier::create)
                        .expectErrorSatisfies(e -> {
                            assertInstanceOf(IllegalArgumentException.class, e);
                            assertTrue(e.getMessage().startsWith("column 't' holds a TEXT that cannot be read as "
                                    + type.getName()), e.getMessage());
                        })
                        .verify(SqliteTesting.TIMEOUT);
            }
        }
        query(factory, "SELECT 3000000000 AS big", r -> r.get("big", Integer.class))
                .as(StepVerifier::create)
                .expectErrorMessage("column 'big' holds an INTEGER that cannot be read as java.lang.Integer"
                        + " (ArithmeticException)")
                .verify(SqliteTesting.TIMEOUT);
    }

    @Test
    void columnMetadataGivesNamesJavaTypesAndNullability() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement(
                        "SELECT i, b, r, t, x, n, 1 + 1 AS two FROM v UNION ALL SELECT 1, 2, 3.0, 'x', x'00', 1, 2")
                        .execute())
                        .concatMap(result -> result.map((row, metadata) -> metadata)).take(1),
                io.r2dbc.spi.Connection::close)
                .as(StepVerifier::create)
                .assertNext(metadata -> {
                    List<Object> types = metadata.getColumnMetadatas().stream()
                            .map(c -> (Object) c.getJavaType()).toList();
                    same(List.of(Integer.class, Long.class, Double.class, String.class, ByteBuffer.class,
                            Object.class, Integer.class), types);
                    same(Nullability.NON_NULL, metadata.getColumnMetadata("t").getNullability());
                    same(Nullability.NULLABLE, metadata.getColumnMetadata("i").getNullability());
                    same(Nullability.UNKNOWN, metadata.getColumnMetadata("two").getNullability());
                    same("BIGINT", metadata.getColumnMetadata("b").getNativeTypeMetadata());
                    same("BIGINT", metadata.getColumnMetadata("b").getType().getName());
                })
                .verifyComplete();
    }

    @Test
    void metadataOfAnEmptyResult() {
        Flux.usingWhen(factory.create(), c -> Flux.from(c.createStatement("SELECT t AS label FROM v").execute())
                        .concatMap(result -> result.map((row, metadata) -> metadata)),
                io.r2dbc.spi.Connection::close)
                .as(StepVerifier::create)
                .verifyComplete();
    }
}
