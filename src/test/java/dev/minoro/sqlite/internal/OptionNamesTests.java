package dev.minoro.sqlite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which known name an unknown one is taken for, and which names are shown at all. */
final class OptionNamesTests {

    private static final List<String> KNOWN = List.of("busyTimeout", "readOnly", "readerLanes", "tls", "sslmode",
            "statementCacheSize");

    @Test
    void distanceCountsInsertionsDeletionsSubstitutionsAndSwaps() {
        assertEquals(0, OptionNames.distance("tls", "tls"));
        assertEquals(1, OptionNames.distance("tsl", "tls"), "a swap of neighbours is one edit");
        assertEquals(1, OptionNames.distance("busytimout", "busytimeout"));
        assertEquals(2, OptionNames.distance("redonly", "readonly!"));
        assertEquals(3, OptionNames.distance("", "abc"));
    }

    @Test
    void nearestIsANearMissInAnyCaseOrNothing() {
        assertEquals(List.of("busyTimeout"), OptionNames.nearest("busyTimout", KNOWN));
        assertEquals(List.of("busyTimeout"), OptionNames.nearest("BUSYTIMEOUT", KNOWN), "case alone");
        assertEquals(List.of("busyTimeout"), OptionNames.nearest("busy_timeout", KNOWN));
        assertEquals(List.of("statementCacheSize"), OptionNames.nearest("statment-cache-size", KNOWN));
        assertEquals(List.of("tls"), OptionNames.nearest("tsl", KNOWN));
        assertEquals(List.of("readOnly"), OptionNames.nearest("readonl", KNOWN), "the nearest of two near ones");
        assertEquals(List.of(), OptionNames.nearest("cache", KNOWN));
        assertEquals(List.of(), OptionNames.nearest("ssl", KNOWN), "two edits are too many for three letters");
        assertEquals(List.of(), OptionNames.nearest("busy Timeout", KNOWN), "a name no option has is never matched");
        assertEquals(" (did you mean 'sslmode'?)", OptionNames.suggestion("sslMode", KNOWN));
        assertEquals(" (did you mean 'ssl' or 'tls'?)", OptionNames.suggestion("tsl", List.of("ssl", "tls")));
        assertEquals(" (did you mean 'ab', 'ac' or 'ad'?)", OptionNames.suggestion("aa", List.of("ab", "ac", "ad")));
        assertEquals("", OptionNames.suggestion("foo", KNOWN));
    }

    @Test
    void onlyNamesThatLookLikeNamesAreShown() {
        assertEquals("'busy_Timeout.2-x'", OptionNames.quoted("busy_Timeout.2-x"));
        assertEquals("(not shown: its name does not look like an option name)", OptionNames.quoted("s3cr3t pa55"));
        assertEquals("(not shown: its name does not look like an option name)", OptionNames.quoted("a".repeat(41)));
        assertEquals("(not shown: its name does not look like an option name)", OptionNames.quoted(""));
    }

    @Test
    void namesOfOptionsAndOfConstants() {
        assertEquals(Set.of("driver", "database", "readOnly"),
                OptionNames.of(ConnectionFactoryOptions.parse("r2dbc:sqlite:///x.db?readOnly=true")));
        assertTrue(OptionNames.declaredBy(ConnectionFactoryOptions.class).containsAll(
                Set.of("driver", "protocol", "host", "port", "user", "password", "database", "connectTimeout", "ssl",
                        "lockWaitTimeout", "statementTimeout")));
    }

    @Test
    void namesADriverTakes() {
        assertEquals(Set.of("driver", "database", "sslMode"), OptionNames.takenBy(Provider.class,
                ConnectionFactoryOptions.DRIVER, ConnectionFactoryOptions.DATABASE));
    }

    /** A provider's option constants, as a driver declares them. */
    static final class Provider {

        public static final Option<String> SSL_MODE = Option.valueOf("sslMode");

        static final Option<String> NOT_PUBLIC = Option.valueOf("notPublic");
    }
}
