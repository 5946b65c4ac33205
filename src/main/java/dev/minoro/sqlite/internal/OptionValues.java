package dev.minoro.sqlite.internal;

import static io.r2dbc.spi.ConnectionFactoryOptions.DRIVER;

import io.r2dbc.pool.PoolingConnectionFactoryProvider;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Reads R2DBC {@link ConnectionFactoryOptions} for both drivers' providers: each option given typed (as Java code
 * sets it) or as text (as a URL's query gives it), so that both reach the configuration builder as the same value.
 * A value that cannot be read fails with {@link IllegalArgumentException} naming the option and the value as
 * given, which for a sensitive option it never reads.
 */
public final class OptionValues {

    /**
     * The options of r2dbc-pool ({@code r2dbc:pool:…}) and r2dbc-proxy ({@code r2dbc:proxy:…}), which hand every
     * option of the URL, their own included, on to the driver they wrap.
     */
    private static final Set<String> WRAPPER_OPTIONS = wrapperOptions();

    private OptionValues() {
    }

    private static Set<String> wrapperOptions() {
        Set<String> names = new TreeSet<>(OptionNames.declaredBy(PoolingConnectionFactoryProvider.class));
        // r2dbc-proxy's ProxyConnectionFactoryProvider.PROXY_LISTENERS; r2dbc-proxy is no dependency of Minoro's
        names.add("proxyListener");
        return Set.copyOf(names);
    }

    /**
     * Fails when {@code options} hold an option that the driver neither takes nor handles and that no wrapper
     * (r2dbc-pool, r2dbc-proxy) passed through: a misspelled option would otherwise be dropped without a word.
     *
     * @param driver   what the message calls the driver: {@code the SQLite driver}
     * @param accepted the options the driver takes, which the message lists
     * @param handled  other options the driver reads, if only to refuse them with a reason of their own
     * @throws IllegalArgumentException naming the first unknown option (never its value), the accepted ones and the
     *                                  nearest of them or of the wrappers' options when one is close
     */
    public static void refuseUnknown(ConnectionFactoryOptions options, String driver, Collection<String> accepted,
            Option<?>... handled) {
        Set<String> known = new TreeSet<>(accepted);
        for (Option<?> option : handled) {
            known.add(option.name());
        }
        Set<String> candidates = new TreeSet<>(accepted);
        candidates.addAll(WRAPPER_OPTIONS);
        boolean mayBeSecret = mayHoldPiecesOfASecret(options);
        List<String> unknown = new ArrayList<>();
        for (String name : new TreeSet<>(OptionNames.of(options))) {
            if (!known.contains(name) && !WRAPPER_OPTIONS.contains(name)) {
                unknown.add(mayBeSecret ? "(not shown: " + (unknown.isEmpty() ? "the options hold a secret, or an '@'"
                        + " in a value, so it may be a piece of a password or token with an unencoded '&', '?', '#' or"
                        + " '@', which are written %26, %3F, %23, %40) for " + driver : "as above)")
                        : OptionNames.quoted(name) + (unknown.isEmpty() ? " for " + driver : "")
                                + OptionNames.suggestion(name, candidates));
            }
        }
        if (!unknown.isEmpty()) {
            // every one at once, so that a URL with two misspellings is mended in one go
            throw new IllegalArgumentException((unknown.size() == 1 ? "unknown option " : "unknown options ")
                    + String.join(", ", unknown) + "; it takes " + String.join(", ", new TreeSet<>(accepted))
                    + " (option names are case-sensitive), and lets the options of r2dbc-pool and r2dbc-proxy"
                    + " through");
        }
    }

    /**
     * Whether an option name of {@code options} may be a piece of a secret: r2dbc-spi split the URL at a '&', '?' or
     * '#' inside a password or token when a value holds an '@' (the rest of the user information) or a secret option
     * (a password, a token that is not a whole JWT) comes with others. The options are a set, without the URL's order.
     */
    private static boolean mayHoldPiecesOfASecret(ConnectionFactoryOptions options) {
        boolean[] found = {false};
        ConnectionFactoryOptions.builder().from(options, option -> {
            Object value = options.getValue(option);
            if (value instanceof CharSequence text && !option.equals(DRIVER)) {
                found[0] |= text.toString().indexOf('@') >= 0
                        || ConnectionSecrets.isSecretName(option.name()) && !ConnectionSecrets.isWholeJwt(text);
            }
            return false;
        });
        return found[0];
    }

    /** Whether {@code options} ask for the driver named {@code driver}. */
    public static boolean isDriver(ConnectionFactoryOptions options, String driver) {
        Object value = options.getValue(DRIVER);
        return value != null && driver.equals(value.toString());
    }

    /** Hands the value of {@code option}, read by {@code reader}, to {@code setter}; nothing when it is not set. */
    public static <T> void set(ConnectionFactoryOptions options, Option<T> option, Reader<T> reader,
            Consumer<T> setter) {
        T value = reader.read(options, option);
        if (value != null) {
            setter.accept(value);
        }
    }

    /** Reads an option, typed or as text; null when it is not set. */
    @FunctionalInterface
    public interface Reader<T> {
        @Nullable T read(ConnectionFactoryOptions options, Option<T> option);
    }

    /** A {@code Boolean}, or {@code true}/{@code false} in any case. */
    public static @Nullable Boolean booleanValue(ConnectionFactoryOptions options, Option<Boolean> option) {
        return asBoolean(options, option, false);
    }

    /** {@link #booleanValue}, or {@code 1}/{@code 0}, as libSQL's URLs write {@code tls=0}. */
    public static @Nullable Boolean booleanOrDigit(ConnectionFactoryOptions options, Option<Boolean> option) {
        return asBoolean(options, option, true);
    }

    private static @Nullable Boolean asBoolean(ConnectionFactoryOptions options, Option<Boolean> option,
            boolean digits) {
        Object value = options.getValue(option);
        if (value == null || value instanceof Boolean) {
            return (Boolean) value;
        }
        String text = value.toString().strip().toLowerCase(Locale.ROOT);
        if (text.equals("true") || digits && text.equals("1")) {
            return true;
        }
        if (text.equals("false") || digits && text.equals("0")) {
            return false;
        }
        throw new IllegalArgumentException("option " + option.name() + " must be true or false"
                + (digits ? " (or 1 or 0)" : "") + ", was '" + value + "'");
    }

    /**
     * An {@code Integer}, another {@code Number} with a whole value in its range, or its ASCII digits, a sign
     * allowed.
     */
    public static @Nullable Integer integerValue(ConnectionFactoryOptions options, Option<Integer> option) {
        Object value = options.getValue(option);
        if (value == null || value instanceof Integer) {
            return (Integer) value;
        }
        try {
            if (value instanceof Number number) {
                int whole = Math.toIntExact(number.longValue());
                if (number.doubleValue() != whole) {
                    throw new ArithmeticException("not a whole number");
                }
                return whole;
            }
            String text = value.toString().strip();
            if (!AsciiDigits.isDecimal(text, true)) {
                throw new NumberFormatException();
            }
            return Integer.valueOf(text);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("option " + option.name() + " must be a whole number, was '" + value
                    + "'");
        }
    }

    /**
     * A {@code Duration}, a {@code Number} of milliseconds, its ASCII digits, or ISO-8601 text such as
     * {@code PT5S}.
     */
    public static @Nullable Duration durationValue(ConnectionFactoryOptions options, Option<Duration> option) {
        Object value = options.getValue(option);
        if (value == null || value instanceof Duration) {
            return (Duration) value;
        }
        if (value instanceof Number) {
            return Duration.ofMillis(((Number) value).longValue());
        }
        String text = value.toString().strip();
        try {
            return AsciiDigits.isDecimal(text, false)
                    ? Duration.ofMillis(Long.parseLong(text))
                    : Duration.parse(text);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("option " + option.name() + " must be a duration in milliseconds or"
                    + " ISO-8601 (such as PT5S), was '" + value + "'");
        }
    }

    /** A constant of {@code type}, or its name in any case. */
    public static <E extends Enum<E>> @Nullable E enumValue(ConnectionFactoryOptions options, Option<E> option,
            Class<E> type) {
        Object value = options.getValue(option);
        if (value == null) {
            return null;
        }
        if (type.isInstance(value)) {
            return type.cast(value);
        }
        String text = value.toString().strip().toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(text)) {
                return constant;
            }
        }
        throw new IllegalArgumentException("option " + option.name() + " must be one of "
                + Arrays.toString(type.getEnumConstants()) + ", was '" + value + "'");
    }

    /**
     * Fails when any of {@code unusable} is set: {@code option <name> <reason>}.
     *
     * @throws IllegalArgumentException naming the first such option, never its value
     */
    public static void refuse(ConnectionFactoryOptions options, String reason, Option<?>... unusable) {
        for (Option<?> option : unusable) {
            if (options.hasOption(option)) {
                throw new IllegalArgumentException("option " + option.name() + " " + reason);
            }
        }
    }
}
