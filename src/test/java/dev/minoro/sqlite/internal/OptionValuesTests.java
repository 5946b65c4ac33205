package dev.minoro.sqlite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.minoro.testing.OtherScriptDigits;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Options read typed or as text, one way for both drivers, and the one check of every timeout. */
final class OptionValuesTests {

    private static final Option<Boolean> FLAG = Option.valueOf("flag");
    private static final Option<Duration> WAIT = Option.valueOf("wait");

    private static ConnectionFactoryOptions url(String query) {
        return ConnectionFactoryOptions.parse("r2dbc:sqlite:///x.db?" + query);
    }

    private static void fails(String message, org.junit.jupiter.api.function.Executable executable) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, executable).getMessage());
    }

    @Test
    void booleansAreTrueOrFalseAndDigitsOnlyWhereAsked() {
        assertEquals(true, OptionValues.booleanValue(url("flag=TRUE"), FLAG));
        assertEquals(false, OptionValues.booleanOrDigit(url("flag=0"), FLAG));
        assertNull(OptionValues.booleanValue(url("other=1"), FLAG));
        fails("option flag must be true or false, was '1'", () -> OptionValues.booleanValue(url("flag=1"), FLAG));
        fails("option flag must be true or false (or 1 or 0), was 'yes'",
                () -> OptionValues.booleanOrDigit(url("flag=yes"), FLAG));
    }

    @Test
    void durationsAreMillisecondsOrIso8601() {
        assertEquals(Duration.ofMillis(250), OptionValues.durationValue(url("wait=250"), WAIT));
        assertEquals(Duration.ofSeconds(3), OptionValues.durationValue(url("wait=PT3S"), WAIT));
        assertEquals(Duration.ofSeconds(1), OptionValues.durationValue(ConnectionFactoryOptions.builder()
                .option(WAIT, Duration.ofSeconds(1)).build(), WAIT));
        fails("option wait must be a duration in milliseconds or ISO-8601 (such as PT5S), was '3 s'",
                () -> OptionValues.durationValue(url("wait=3%20s"), WAIT));
    }

    /**
     * Whole numbers and milliseconds are ASCII digits: those of other scripts, which Java's number parsing reads as
     * ASCII ones, are refused, given as text or through a URL (percent-encoded UTF-8).
     */
    @Test
    void numbersAreAsciiDigits() {
        Option<Integer> lanes = Option.valueOf("lanes");
        assertEquals(-3, OptionValues.integerValue(url("lanes=-3"), lanes));
        Option<Object> untyped = Option.valueOf("lanes");
        assertEquals(250, OptionValues.integerValue(ConnectionFactoryOptions.builder().option(untyped, 250L).build(),
                lanes));
        assertEquals(3, OptionValues.integerValue(ConnectionFactoryOptions.builder().option(untyped, 3.0).build(),
                lanes));
        fails("option lanes must be a whole number, was '2.5'", () -> OptionValues.integerValue(
                ConnectionFactoryOptions.builder().option(untyped, 2.5).build(), lanes));
        fails("option lanes must be a whole number, was '4294967298'", () -> OptionValues.integerValue(
                ConnectionFactoryOptions.builder().option(untyped, 4294967298L).build(), lanes));
        for (String number : OtherScriptDigits.of("250")) {
            ConnectionFactoryOptions given = ConnectionFactoryOptions.builder().option(untyped, number)
                    .option(Option.valueOf("wait"), number).build();
            ConnectionFactoryOptions fromUrl = url("lanes=" + URLEncoder.encode(number, StandardCharsets.UTF_8)
                    + "&wait=" + URLEncoder.encode(number, StandardCharsets.UTF_8));
            for (ConnectionFactoryOptions options : List.of(given, fromUrl)) {
                fails("option lanes must be a whole number, was '" + number + "'",
                        () -> OptionValues.integerValue(options, lanes));
                fails("option wait must be a duration in milliseconds or ISO-8601 (such as PT5S), was '" + number
                        + "'", () -> OptionValues.durationValue(options, WAIT));
            }
        }
    }

    @Test
    void unusableOptionsAreNamed() {
        fails("option user does not apply here", () -> OptionValues.refuse(
                ConnectionFactoryOptions.parse("r2dbc:sqlite://someone@host/x.db"), "does not apply here",
                ConnectionFactoryOptions.PORT, ConnectionFactoryOptions.USER));
        assertTrue(OptionValues.isDriver(url(""), "sqlite"));
    }

    @Test
    void timeoutsAreCheckedOneWay() {
        assertEquals(Duration.ZERO, Timeouts.check(Duration.ZERO, "busyTimeout", true));
        fails("busyTimeout must be between 0 and 2147483647 ms, was PT-1S",
                () -> Timeouts.check(Duration.ofSeconds(-1), "busyTimeout", true));
        fails("connectTimeout must be more than 0 and at most 2147483647 ms, was PT0S",
                () -> Timeouts.check(Duration.ZERO, "connectTimeout", false));
        fails("statement timeout must be between 0 and 2147483647 ms, was PT596524H",
                () -> Timeouts.check(Duration.ofHours(596524), "statement timeout", true));
        fails("statement timeout must not be null", () -> Timeouts.check(null, "statement timeout", true));
    }
}
