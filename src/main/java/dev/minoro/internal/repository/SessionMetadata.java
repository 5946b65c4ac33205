package dev.minoro.internal.repository;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A session's metadata as the {@code metadata} column keeps it: a JSON object of strings, written and read with
 * Jackson's streaming generator and parser (no object mapping); null for none.
 */
final class SessionMetadata {

    private static final JsonFactory JSON = new JsonFactory();

    private SessionMetadata() {
    }

    /** The column's value for {@code metadata}, keys sorted; null when there is none. */
    static @Nullable String write(Map<String, String> metadata) {
        if (metadata.isEmpty()) {
            return null;
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            for (Map.Entry<String, String> entry : new TreeMap<>(metadata).entrySet()) {
                json.writeStringField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * The metadata a column's value holds; empty for null.
     *
     * @throws IllegalStateException when the value is not a JSON object of strings (someone else wrote the row)
     */
    static Map<String, String> read(@Nullable String column) {
        if (column == null) {
            return Map.of();
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        try (JsonParser json = JSON.createParser(column)) {
            expect(json.nextToken() == JsonToken.START_OBJECT);
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String key = json.currentName();
                expect(json.nextToken() == JsonToken.VALUE_STRING);
                metadata.put(key, json.getText());
            }
            expect(json.currentToken() == JsonToken.END_OBJECT && json.nextToken() == null);
        } catch (IOException e) {
            throw new IllegalStateException("a session's metadata column is not a JSON object of strings", e);
        }
        return metadata;
    }

    private static void expect(boolean condition) {
        if (!condition) {
            throw new IllegalStateException("a session's metadata column is not a JSON object of strings");
        }
    }
}
