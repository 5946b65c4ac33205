package dev.minoro.internal.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class ChecksumsTests {

    @Test
    void isTheSha256OfTheNormalisedScript() {
        // sha256("CREATE TABLE t (x INTEGER);")
        assertEquals("sha256:" + sha256Hex("CREATE TABLE t (x INTEGER);"), Checksums.of("CREATE TABLE t (x INTEGER);"));
    }

    @Test
    void ignoresBomLineEndingsTrailingWhiteSpaceAndTrailingBlankLines() {
        String canonical = Checksums.of("CREATE TABLE t (\n    x INTEGER\n);");
        assertEquals(canonical, Checksums.of("\uFEFFCREATE TABLE t (\r\n    x INTEGER  \r\n);\r\n\r\n"));
        assertEquals(canonical, Checksums.of("CREATE TABLE t (\r    x INTEGER\t\r);\n\n\n   \n"));
        assertEquals(canonical, Checksums.of("\uFEFFCREATE TABLE t (\n    x INTEGER\n);".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void seesEveryOtherChange() {
        String canonical = Checksums.of("CREATE TABLE t (\n    x INTEGER\n);");
        assertNotEquals(canonical, Checksums.of("CREATE TABLE t (\n  x INTEGER\n);"), "leading white space counts");
        assertNotEquals(canonical, Checksums.of("CREATE TABLE t (\n\n    x INTEGER\n);"), "inner blank lines count");
        assertNotEquals(canonical, Checksums.of("create table t (\n    x INTEGER\n);"));
    }

    private static String sha256Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
