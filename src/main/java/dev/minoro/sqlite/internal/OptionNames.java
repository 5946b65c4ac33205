package dev.minoro.sqlite.internal;

import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Option names, for refusing the unknown ones: the names a set of R2DBC options holds, the names a class declares as
 * {@link Option} constants, how an unknown name is shown and which known name it most likely misspells. Both
 * drivers' providers and Minoro's connection-string parsers use it, so that each names an unknown option alike.
 */
public final class OptionNames {

    /**
     * What an option name can look like (the longest that r2dbc-postgresql and r2dbc-pool declare have under 30
     * letters). Anything else, such as a token or password pasted where a name belongs, is never shown in a message.
     */
    private static final Pattern SHOWABLE = Pattern.compile("[A-Za-z0-9_.-]{1,40}");

    private OptionNames() {
    }

    /** {@return the names of the options set in {@code options}, in no particular order} */
    public static Set<String> of(ConnectionFactoryOptions options) {
        Set<String> names = new LinkedHashSet<>();
        // The SPI has no getter for every option; a filter of the builder sees each one.
        ConnectionFactoryOptions.builder().from(options, option -> names.add(option.name()));
        return names;
    }

    /** {@return the names of the public static {@link Option} constants of {@code holders}} */
    public static Set<String> declaredBy(Class<?>... holders) {
        return declared(field -> true, holders);
    }

    /**
     * {@return the names of the public static {@code Option<valueType>} constants of {@code holders}}
     *
     * @param valueType the type argument of the constants, as declared (such as {@code Integer})
     * @param holders   the classes that declare them
     */
    public static Set<String> ofTypeDeclaredBy(Class<?> valueType, Class<?>... holders) {
        return declared(field -> field.getGenericType() instanceof ParameterizedType option
                && option.getActualTypeArguments()[0] == valueType, holders);
    }

    private static Set<String> declared(Predicate<Field> which, Class<?>... holders) {
        Set<String> names = new LinkedHashSet<>();
        for (Class<?> holder : holders) {
            for (Field field : holder.getFields()) {
                if (Modifier.isStatic(field.getModifiers()) && Option.class.isAssignableFrom(field.getType())
                        && which.test(field)) {
                    try {
                        names.add(((Option<?>) field.get(null)).name());
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot read " + holder.getName() + "." + field.getName(), e);
                    }
                }
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * {@return the names of the options a driver's provider takes, as its message about an unknown option lists
     * them: the public static {@link Option} constants of {@code provider} and the standard R2DBC options in
     * {@code standard}}
     */
    public static Set<String> takenBy(Class<?> provider, Option<?>... standard) {
        Set<String> names = new LinkedHashSet<>(declaredBy(provider));
        for (Option<?> option : standard) {
            names.add(option.name());
        }
        return Collections.unmodifiableSet(names);
    }

    /**
     * {@return {@code name} in single quotes when it looks like an option name; else words saying it does not, so
     * that a secret typed where a name belongs stays out of the message}
     */
    public static String quoted(String name) {
        return looksLikeAName(name) ? "'" + name + "'" : "(not shown: its name does not look like an option name)";
    }

    /**
     * {@return whether {@code text} looks like a name (of an option, a protocol): up to 40 letters, digits, '_', '.'
     * and '-'} Only such text, where a name belongs, is shown in a message.
     */
    public static boolean looksLikeAName(String text) {
        return SHOWABLE.matcher(text).matches();
    }

    /**
     * {@return {@code " (did you mean 'x'?)"} for the known name {@code x} nearest to {@code name} (or {@code 'x' or
     * 'y'} for several as near), or {@code ""} when none is near} Near means the same but for case, or a few letters
     * added, dropped, changed or swapped (one in four letters of {@code name}, at least one and at most three),
     * ignoring case.
     */
    public static String suggestion(String name, Collection<String> known) {
        return suggestionOf(nearest(name, known));
    }

    /**
     * {@return {@code " (did you mean 'x'?)"} for the names {@code nearest} (of {@link #nearest}; {@code 'x' or 'y'}
     * for several), or {@code ""} when it is empty}
     */
    public static String suggestionOf(List<String> nearest) {
        if (nearest.isEmpty()) {
            return "";
        }
        StringBuilder names = new StringBuilder(" (did you mean ");
        for (int i = 0; i < nearest.size(); i++) {
            names.append(i == 0 ? "" : i == nearest.size() - 1 ? " or " : ", ").append('\'').append(nearest.get(i))
                    .append('\'');
        }
        return names.append("?)").toString();
    }

    /**
     * {@return the known names nearest to {@code name} (see {@link #suggestion}), in the order of {@code known};
     * empty when none is near}
     */
    public static List<String> nearest(String name, Collection<String> known) {
        List<String> nearest = new ArrayList<>();
        if (!looksLikeAName(name)) {
            return nearest;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        int best = Math.min(3, Math.max(1, name.length() / 4));
        for (String candidate : known) {
            int distance = distance(lower, candidate.toLowerCase(Locale.ROOT));
            if (distance < best) {
                nearest.clear();
                best = distance;
            }
            if (distance == best && !nearest.contains(candidate)) {
                nearest.add(candidate);
            }
        }
        return nearest;
    }

    /** The optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
