package dev.minoro.libsql;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.minoro.sqlite.internal.AsciiDigits;
import dev.minoro.sqlite.internal.SqliteValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Hrana's JSON encoding, written and read with Jackson's streaming generator and parser (no object mapping):
 * {@code POST v3/pipeline} bodies out, pipeline responses and error bodies in.
 *
 * <p>As the specification requires, integers travel as decimal strings (so the full 64-bit range survives
 * JSON), floats as JSON numbers, blobs as base64, and fields this driver does not know are skipped.
 */
final class HranaJson {

    private static final JsonFactory JSON = JsonFactory.builder()
            // sqld's responses are bounded by its --max-response-size (10 MB by default); text values may be large
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private HranaJson() {
    }

    /** The body of {@code POST v3/pipeline}. */
    static byte[] pipeline(@Nullable String baton, List<Hrana.Request> requests) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeFieldName("baton");
            if (baton == null) {
                json.writeNull();
            } else {
                json.writeString(baton);
            }
            json.writeArrayFieldStart("requests");
            for (Hrana.Request request : requests) {
                writeRequest(json, request);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeRequest(JsonGenerator json, Hrana.Request request) throws IOException {
        json.writeStartObject();
        if (request instanceof Hrana.BatchRequest) {
            json.writeStringField("type", "batch");
            json.writeObjectFieldStart("batch");
            json.writeArrayFieldStart("steps");
            for (Hrana.Step step : ((Hrana.BatchRequest) request).steps()) {
                writeStep(json, step);
            }
            json.writeEndArray();
            json.writeEndObject();
        } else if (request instanceof Hrana.GetAutocommit) {
            json.writeStringField("type", "get_autocommit");
        } else {
            json.writeStringField("type", "close");
        }
        json.writeEndObject();
    }

    private static void writeStep(JsonGenerator json, Hrana.Step step) throws IOException {
        json.writeStartObject();
        if (step.condition() != null) {
            json.writeFieldName("condition");
            writeCondition(json, step.condition());
        }
        json.writeObjectFieldStart("stmt");
        json.writeStringField("sql", step.sql());
        if (step.positional() != null) {
            json.writeArrayFieldStart("args");
            for (Object value : step.positional()) {
                writeValue(json, value);
            }
            json.writeEndArray();
        }
        if (step.named() != null) {
            json.writeArrayFieldStart("named_args");
            for (Hrana.NamedValue named : step.named()) {
                json.writeStartObject();
                json.writeStringField("name", named.name());
                json.writeFieldName("value");
                writeValue(json, named.value());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        json.writeBooleanField("want_rows", step.wantRows());
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeCondition(JsonGenerator json, Hrana.Condition condition) throws IOException {
        json.writeStartObject();
        if (condition instanceof Hrana.Ok) {
            json.writeStringField("type", "ok");
            json.writeNumberField("step", ((Hrana.Ok) condition).step());
        } else if (condition instanceof Hrana.Not) {
            json.writeStringField("type", "not");
            json.writeFieldName("cond");
            writeCondition(json, ((Hrana.Not) condition).condition());
        } else if (condition instanceof Hrana.And) {
            json.writeStringField("type", "and");
            json.writeArrayFieldStart("conds");
            for (Hrana.Condition each : ((Hrana.And) condition).conditions()) {
                writeCondition(json, each);
            }
            json.writeEndArray();
        } else {
            json.writeStringField("type", "is_autocommit");
        }
        json.writeEndObject();
    }

    /** A bound value: {@link Long}, {@link Double}, {@link String}, {@code byte[]} or {@link SqliteValues#NULL}. */
    private static void writeValue(JsonGenerator json, Object value) throws IOException {
        json.writeStartObject();
        if (value instanceof Long) {
            json.writeStringField("type", "integer");
            json.writeStringField("value", value.toString());
        } else if (value instanceof Double) {
            json.writeStringField("type", "float");
            json.writeNumberField("value", (Double) value);
        } else if (value instanceof String) {
            json.writeStringField("type", "text");
            json.writeStringField("value", (String) value);
        } else if (value instanceof byte[]) {
            json.writeStringField("type", "blob");
            json.writeStringField("base64", Base64.getEncoder().withoutPadding().encodeToString((byte[]) value));
        } else {
            json.writeStringField("type", "null");
        }
        json.writeEndObject();
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads a pipeline response body.
     *
     * @throws IOException when the body is not the JSON of a pipeline response
     */
    static Hrana.Response response(byte[] body) throws IOException {
        try (JsonParser json = JSON.createParser(body)) {
            expect(json.nextToken(), JsonToken.START_OBJECT, json);
            String baton = null;
            String baseUrl = null;
            List<Hrana.Outcome> outcomes = new ArrayList<>();
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken token = json.nextToken();
                switch (field) {
                    case "baton" -> baton = token == JsonToken.VALUE_NULL ? null : json.getText();
                    case "base_url" -> baseUrl = token == JsonToken.VALUE_NULL ? null : json.getText();
                    case "results" -> {
                        expect(token, JsonToken.START_ARRAY, json);
                        while (json.nextToken() == JsonToken.START_OBJECT) {
                            outcomes.add(outcome(json));
                        }
                    }
                    default -> json.skipChildren();
                }
            }
            return new Hrana.Response(baton, baseUrl, outcomes);
        }
    }

    /**
     * An error body ({@code {"message": …, "code": …}} of Hrana, or {@code {"error": …}} of sqld's HTTP layer), or
     * null.
     */
    static Hrana.@Nullable Error errorBody(byte[] body) {
        try (JsonParser json = JSON.createParser(body)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String message = null;
            String code = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken token = json.nextToken();
                if ((field.equals("message") || field.equals("error")) && token == JsonToken.VALUE_STRING) {
                    message = json.getText();
                } else if (field.equals("code") && token == JsonToken.VALUE_STRING) {
                    code = json.getText();
                } else {
                    json.skipChildren();
                }
            }
            return message == null ? null : new Hrana.Error(message, code);
        } catch (IOException e) {
            return null;
        }
    }

    private static Hrana.Outcome outcome(JsonParser json) throws IOException {
        String type = null;
        Hrana.Outcome response = null;
        Hrana.Error error = null;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            json.nextToken();
            switch (field) {
                case "type" -> type = json.getText();
                case "response" -> response = streamResponse(json);
                case "error" -> error = error(json);
                default -> json.skipChildren();
            }
        }
        if ("error".equals(type) && error != null) {
            return new Hrana.Failed(error);
        }
        if ("ok".equals(type) && response != null) {
            return response;
        }
        throw new IOException("a pipeline result was neither ok with a response nor an error");
    }

    private static Hrana.Outcome streamResponse(JsonParser json) throws IOException {
        expect(json.currentToken(), JsonToken.START_OBJECT, json);
        String type = null;
        List<Hrana.StatementResult> results = null;
        List<Hrana.Error> errors = null;
        boolean autocommit = false;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken token = json.nextToken();
            switch (field) {
                case "type" -> type = json.getText();
                case "is_autocommit" -> autocommit = token == JsonToken.VALUE_TRUE;
                case "result" -> {
                    // a batch result: {"step_results": [...], "step_errors": [...]}
                    expect(token, JsonToken.START_OBJECT, json);
                    while (json.nextToken() == JsonToken.FIELD_NAME) {
                        String inner = json.currentName();
                        JsonToken value = json.nextToken();
                        if (inner.equals("step_results") && value == JsonToken.START_ARRAY) {
                            results = new ArrayList<>();
                            while (json.nextToken() != JsonToken.END_ARRAY) {
                                results.add(json.currentToken() == JsonToken.VALUE_NULL ? null : statementResult(json));
                            }
                        } else if (inner.equals("step_errors") && value == JsonToken.START_ARRAY) {
                            errors = new ArrayList<>();
                            while (json.nextToken() != JsonToken.END_ARRAY) {
                                errors.add(json.currentToken() == JsonToken.VALUE_NULL ? null : error(json));
                            }
                        } else {
                            json.skipChildren();
                        }
                    }
                }
                default -> json.skipChildren();
            }
        }
        if ("batch".equals(type)) {
            int steps = Math.max(results == null ? 0 : results.size(), errors == null ? 0 : errors.size());
            List<Hrana.StepOutcome> outcomes = new ArrayList<>(steps);
            for (int i = 0; i < steps; i++) {
                outcomes.add(new Hrana.StepOutcome(results != null && i < results.size() ? results.get(i) : null,
                        errors != null && i < errors.size() ? errors.get(i) : null));
            }
            return new Hrana.BatchOutcome(outcomes);
        }
        if ("get_autocommit".equals(type)) {
            return new Hrana.AutocommitOutcome(autocommit);
        }
        if ("close".equals(type)) {
            return new Hrana.Closed();
        }
        throw new IOException("unexpected stream response type " + type);
    }

    private static Hrana.StatementResult statementResult(JsonParser json) throws IOException {
        expect(json.currentToken(), JsonToken.START_OBJECT, json);
        List<Hrana.Column> columns = new ArrayList<>();
        List<@Nullable Object[]> rows = new ArrayList<>();
        long affected = 0;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken token = json.nextToken();
            switch (field) {
                case "cols" -> {
                    expect(token, JsonToken.START_ARRAY, json);
                    while (json.nextToken() == JsonToken.START_OBJECT) {
                        columns.add(column(json));
                    }
                }
                case "rows" -> {
                    expect(token, JsonToken.START_ARRAY, json);
                    while (json.nextToken() == JsonToken.START_ARRAY) {
                        List<@Nullable Object> row = new ArrayList<>(columns.size());
                        while (json.nextToken() == JsonToken.START_OBJECT) {
                            row.add(value(json));
                        }
                        rows.add(row.toArray());
                    }
                }
                case "affected_row_count" -> affected = json.getValueAsLong();
                default -> json.skipChildren();
            }
        }
        return new Hrana.StatementResult(columns, rows, affected);
    }

    private static Hrana.Column column(JsonParser json) throws IOException {
        String[] fields = strings(json, "name", "decltype");
        return new Hrana.Column(fields[0], fields[1]);
    }

    /**
     * The string values of the fields {@code names} of the object the parser is in, read to its end, in the order
     * of {@code names}: null for a field that is absent or not a string. Every other field is skipped.
     */
    private static @Nullable String[] strings(JsonParser json, String... names) throws IOException {
        @Nullable String[] values = new String[names.length];
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            int index = List.of(names).indexOf(json.currentName());
            if (json.nextToken() == JsonToken.VALUE_STRING && index >= 0) {
                values[index] = json.getText();
            } else {
                json.skipChildren();
            }
        }
        return values;
    }

    /** A value as its storage class: {@link Long}, {@link Double}, {@link String}, {@code byte[]} or null. */
    private static @Nullable Object value(JsonParser json) throws IOException {
        String type = null;
        String text = null;
        double number = 0;
        while (json.nextToken() == JsonToken.FIELD_NAME) {
            String field = json.currentName();
            JsonToken token = json.nextToken();
            if (field.equals("type")) {
                type = json.getText();
            } else if ((field.equals("value") || field.equals("base64")) && token == JsonToken.VALUE_STRING) {
                text = json.getText();
            } else if (field.equals("value") && token.isNumeric()) {
                number = json.getDoubleValue();
            } else {
                json.skipChildren();
            }
        }
        if (type == null) {
            throw new IOException("a value without a type");
        }
        switch (type) {
            case "null":
                return null;
            case "integer":
                if (text == null) {
                    throw new IOException("an integer value without its decimal string");
                }
                if (!AsciiDigits.isDecimal(text, true)) {
                    throw new IOException("an integer value whose string is not a decimal number");
                }
                try {
                    return Long.parseLong(text);
                } catch (NumberFormatException e) {
                    throw new IOException("an integer value out of the range of a 64-bit integer");
                }
            case "float":
                return number;
            case "text":
                if (text == null) {
                    throw new IOException("a text value without its text");
                }
                return text;
            case "blob":
                return text == null ? new byte[0] : Base64.getDecoder().decode(text);
            default:
                throw new IOException("unknown value type " + type);
        }
    }

    private static Hrana.Error error(JsonParser json) throws IOException {
        expect(json.currentToken(), JsonToken.START_OBJECT, json);
        String[] fields = strings(json, "message", "code");
        return new Hrana.Error(fields[0] == null ? "" : fields[0], fields[1]);
    }

    private static void expect(@Nullable JsonToken actual, JsonToken expected, JsonParser json) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + " but found " + actual + " at " + json.currentLocation());
        }
    }
}
