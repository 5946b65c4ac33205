package dev.minoro.internal.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class SessionMetadataTests {

    @Test
    void anyStringsSurviveTheRoundTrip() {
        Map<String, String> metadata = Map.of(
                "userAgent", "Mozilla/5.0 (X11; Linux x86_64) \"quoted\" \\ backslash",
                "ip", "2001:db8::1",
                "device", "Ada’s 📱 \u00e9\u0301 \u200d",
                "controls", "tab\tnew\nline\u0000nul\u001f",
                "", "empty key");
        assertEquals(metadata, SessionMetadata.read(SessionMetadata.write(metadata)));
    }

    @Test
    void noMetadataIsNull() {
        assertNull(SessionMetadata.write(Map.of()));
        assertEquals(Map.of(), SessionMetadata.read(null));
    }

    @Test
    void keysAreWrittenSorted() {
        assertEquals("{\"a\":\"1\",\"b\":\"2\"}", SessionMetadata.write(Map.of("b", "2", "a", "1")));
    }

    @Test
    void aColumnThatIsNotAnObjectOfStringsIsRefused() {
        for (String column : List.of("", "[]", "\"text\"", "{\"a\":1}", "{\"a\":null}", "{\"a\":{}}", "{\"a\":\"1\"}x",
                "{\"a\":\"1\"", "not json")) {
            assertThrows(IllegalStateException.class, () -> SessionMetadata.read(column), column);
        }
    }
}
