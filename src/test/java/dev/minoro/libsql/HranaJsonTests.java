package dev.minoro.libsql;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.minoro.testing.OtherScriptDigits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Reading the server's Hrana responses: the values of a row as their storage classes. */
final class HranaJsonTests {

    /** A pipeline response of one batch of one statement whose one row is {@code value}. */
    private static Hrana.Response oneValue(String value) throws IOException {
        String body = "{\"baton\":null,\"base_url\":null,\"results\":[{\"type\":\"ok\","
                + "\"response\":{\"type\":\"batch\",\"result\":{\"step_results\":[{\"cols\":[{\"name\":\"n\","
                + "\"decltype\":null}],\"rows\":[[" + value + "]],\"affected_row_count\":0,"
                + "\"last_insert_rowid\":null}],\"step_errors\":[null]}}}]}";
        return HranaJson.response(body.getBytes(StandardCharsets.UTF_8));
    }

    private static Object[] row(Hrana.Response response) {
        Hrana.BatchOutcome batch = (Hrana.BatchOutcome) response.outcomes().get(0);
        return batch.steps().get(0).result().rows().get(0);
    }

    @Test
    void anIntegerIsItsAsciiDecimalString() throws IOException {
        assertArrayEquals(new Object[] {5432L}, row(oneValue("{\"type\":\"integer\",\"value\":\"5432\"}")));
        assertArrayEquals(new Object[] {-9223372036854775808L},
                row(oneValue("{\"type\":\"integer\",\"value\":\"-9223372036854775808\"}")));
        for (String number : OtherScriptDigits.of("5432")) {
            IOException e = assertThrows(IOException.class,
                    () -> oneValue("{\"type\":\"integer\",\"value\":\"" + number + "\"}"));
            assertEquals("an integer value whose string is not a decimal number", e.getMessage());
        }
        IOException tooLong = assertThrows(IOException.class,
                () -> oneValue("{\"type\":\"integer\",\"value\":\"99999999999999999999\"}"));
        assertEquals("an integer value out of the range of a 64-bit integer", tooLong.getMessage());
    }
}
