package dev.minoro.internal.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The ledger's checksum of a script: {@code sha256:} and the hex digest of the script after
 * normalisation, so that an editor's line endings or trailing white space do not count as a change.
 */
final class Checksums {

    private Checksums() {
    }

    /**
     * The checksum of a script's UTF-8 bytes: BOM dropped, CRLF and CR turned into LF, trailing white
     * space dropped from every line, trailing blank lines dropped.
     */
    static String of(byte[] script) {
        return of(new String(script, StandardCharsets.UTF_8));
    }

    static String of(String script) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(normalise(script).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    static String normalise(String script) {
        String text = script.startsWith("\uFEFF") ? script.substring(1) : script;
        text = text.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder out = new StringBuilder(text.length());
        for (String line : text.split("\n", -1)) {
            out.append(line.stripTrailing()).append('\n');
        }
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == '\n') {
            end--;
        }
        out.setLength(end);
        return out.toString();
    }
}
