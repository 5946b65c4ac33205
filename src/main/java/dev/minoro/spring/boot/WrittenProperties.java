package dev.minoro.spring.boot;

import dev.minoro.ConfigurationException;
import dev.minoro.sqlite.internal.AsciiDigits;
import dev.minoro.sqlite.internal.OptionNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.PropertySourceOrigin;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Minoro's properties as the application wrote them, before Spring Boot binds them, which ignores what it cannot
 * bind: a name that is none of Minoro's properties ({@code minoro.database.urll}), a duration without a unit (which
 * the binder reads as milliseconds), or a group of properties whose feature is not on the class path.
 *
 * <p>Minoro's properties are those of the configuration metadata that spring-boot-configuration-processor writes into
 * the jar (and that IDEs complete), so that a property added to {@link MinoroProperties} is known here without being
 * listed twice. Messages name each property as written and where it was written, never its value: a property written
 * in the wrong place may hold a password or a URL with one. Spring Boot's own check of unknown names
 * ({@code ignoreUnknownFields = false}) is not used, as its failure analysis prints each value.
 *
 * <p>The environment variables and the JVM's system properties are shared with other programs and tools: a name
 * there ({@code MINORO_HOME}, {@code -Dminoro.test.x}) is refused only when it is near one of Minoro's properties or
 * within one of their groups ({@code minoro.database.*}), not for being under {@code minoro} alone.
 */
final class WrittenProperties {

    private static final String METADATA = "META-INF/spring-configuration-metadata.json";

    /** The groups of properties checked here: Minoro's own and its health indicator's. */
    private static final List<ConfigurationPropertyName> CHECKED = List.of(
            ConfigurationPropertyName.of(MinoroProperties.PREFIX),
            ConfigurationPropertyName.of("management.health.minoro"));

    /** A whole number above zero, without a unit: a duration the binder would read as milliseconds. */
    private static final Pattern BARE_NUMBER = Pattern.compile("\\s*\\+?0*[1-9][0-9]*\\s*");

    /** Groups whose properties act only with a library the application may lack: group, class, what to add. */
    private static final List<List<String>> NEEDING_A_LIBRARY = List.of(
            List.of("minoro.spring-session", "org.springframework.session.ReactiveSessionRepository",
                    "spring-session-core"),
            List.of("management.health.minoro", "org.springframework.boot.health.contributor.ReactiveHealthIndicator",
                    "spring-boot-health (spring-boot-starter-actuator)"));

    private WrittenProperties() {
    }

    /**
     * Checks the properties {@code environment} holds under {@code minoro.*} and {@code management.health.minoro.*}.
     *
     * @param classLoader where the libraries that some properties need are looked for
     * @throws ConfigurationException naming each property that is none of Minoro's (with the nearest one, or the
     *                                properties of its group), each duration written without a unit, each
     *                                whole number written with a digit of another script than ASCII, and each
     *                                property that cannot act for want of a library
     */
    static void check(Environment environment, @Nullable ClassLoader classLoader) {
        Map<ConfigurationPropertyName, String> known = Known.TYPES;
        Map<ConfigurationPropertyName, Written> written = written(environment);
        List<String> problems = new ArrayList<>();
        for (Written each : written.values()) {
            ConfigurationProperty property = each.property();
            String type = known.get(property.getName());
            if (type == null) {
                String unknown = unknown(property.getName(), each.shared());
                if (unknown != null) {
                    problems.add(unknown + origin(property));
                }
            } else if ("java.time.Duration".equals(type) && isBareNumber(property.getValue())) {
                String number = String.valueOf(property.getValue()).strip();
                problems.add(asWritten(property.getName()) + origin(property) + ": " + number + " has no unit, and"
                        + " Spring Boot would read it as " + number + " ms; write the unit: " + number + "s, " + number
                        + "m, " + number + "h or " + number + "d (or ISO-8601, PT" + number + "S)");
            } else if ("java.lang.Integer".equals(type) && property.getValue() instanceof CharSequence text
                    && AsciiDigits.hasOtherScriptDigit(text)) {
                problems.add(asWritten(property.getName()) + origin(property) + ": '" + text + "' holds a digit other"
                        + " than ASCII 0-9, which Spring Boot would read as the digit it looks like; write the number"
                        + " with 0-9");
            }
        }
        for (List<String> group : NEEDING_A_LIBRARY) {
            if (ClassUtils.isPresent(group.get(1), classLoader)) {
                continue;
            }
            ConfigurationPropertyName prefix = ConfigurationPropertyName.of(group.get(0));
            for (Written each : written.values()) {
                ConfigurationProperty property = each.property();
                ConfigurationPropertyName name = property.getName();
                if (prefix.isAncestorOf(name) && known.containsKey(name)
                        && !name.getLastElement(ConfigurationPropertyName.Form.UNIFORM).equals("enabled")) {
                    problems.add(asWritten(name) + origin(property) + " has no effect: " + group.get(2)
                            + " is not on the class path; add it, or remove the property");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems.size() == 1 ? problems.get(0)
                    : "invalid Minoro properties:\n  - " + String.join("\n  - ", problems));
        }
    }

    /** The properties written under the checked groups, each once, as the highest-priority source has it. */
    private static Map<ConfigurationPropertyName, Written> written(Environment environment) {
        Map<ConfigurationPropertyName, Written> written = new LinkedHashMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                Object underlying = source.getUnderlyingSource();
                boolean shared = underlying instanceof SystemEnvironmentPropertySource
                        || underlying instanceof PropertySource<?> named
                                && StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(named.getName());
                iterable.filter(name -> CHECKED.stream().anyMatch(group -> group.isAncestorOf(name))).stream()
                        .forEach(name -> {
                            ConfigurationProperty property = iterable.getConfigurationProperty(name);
                            if (property != null) {
                                written.putIfAbsent(name, new Written(property, shared));
                            }
                        });
            }
        }
        return written;
    }

    /**
     * A property as written, and whether it came from the environment variables or the JVM's system properties,
     * which other programs and tools share with the application.
     */
    private record Written(ConfigurationProperty property, boolean shared) {
    }

    /**
     * What to say of {@code name}, none of Minoro's properties: the nearest of them, else the properties of the
     * group it was written in; or null for a name of the environment or the system properties that is near none and
     * in no group but the top one ({@code MINORO_HOME}, {@code -Dminoro.test.x}: another program's, most likely).
     */
    private static @Nullable String unknown(ConfigurationPropertyName name, boolean shared) {
        ConfigurationPropertyName checked = CHECKED.stream().filter(group -> group.isAncestorOf(name)).findFirst()
                .orElseThrow();
        // Nearness is measured after the checked group ("database.urll"), the part that can be misspelt.
        String groupPrefix = checked + ".";
        List<String> relative = Known.NAMES.stream().filter(property -> property.startsWith(groupPrefix))
                .map(property -> property.substring(groupPrefix.length())).toList();
        String written = asWritten(name);
        Set<String> members = members(name);
        if (!members.isEmpty()) {
            return written + " is a group of Minoro's properties, not one of them; those of " + name + " are "
                    + String.join(", ", members);
        }
        String writtenInGroup = asWritten(name.subName(checked.getNumberOfElements()));
        List<String> nearest = OptionNames.nearest(writtenInGroup, relative).stream()
                .map(property -> groupPrefix + property).toList();
        if (!nearest.isEmpty()) {
            return written + " is not a property of Minoro" + OptionNames.suggestionOf(nearest);
        }
        // The deepest group it was written in: minoro.argon2 for minoro.argon2.memory, minoro for
        // minoro.pasword.min-length.
        ConfigurationPropertyName group = name;
        while (members.isEmpty() && group.getNumberOfElements() > 1) {
            group = group.getParent();
            members = members(group);
        }
        if (shared && group.getNumberOfElements() == 1) {
            return null;
        }
        return written + " is not a property of Minoro; those of " + group + " are " + String.join(", ", members);
    }

    /** The properties directly in {@code group}, and its groups as {@code name.*}, as the metadata names them. */
    private static Set<String> members(ConfigurationPropertyName group) {
        Set<String> members = new TreeSet<>();
        for (ConfigurationPropertyName property : Known.TYPES.keySet()) {
            if (group.isAncestorOf(property)) {
                String member = property.getElement(group.getNumberOfElements(), ConfigurationPropertyName.Form.DASHED);
                members.add(group.isParentOf(property) ? member : member + ".*");
            }
        }
        return members;
    }

    /**
     * {@code name} with each part as the application wrote it (busyTimeout, BUSYTIMEOUT, busy-timeout); a part in
     * brackets only when it looks like a name, as a URL written as a YAML key would be one.
     */
    private static String asWritten(ConfigurationPropertyName name) {
        StringBuilder written = new StringBuilder();
        for (int i = 0; i < name.getNumberOfElements(); i++) {
            String element = name.getElement(i, ConfigurationPropertyName.Form.ORIGINAL);
            if (isIndexed(name, i)) {
                written.append(OptionNames.looksLikeAName(element) ? "[" + element + "]" : "[(not shown)]");
            } else {
                written.append(i == 0 ? "" : ".").append(element);
            }
        }
        return written.toString();
    }

    /** Whether part {@code i} of {@code name} was written in brackets. */
    private static boolean isIndexed(ConfigurationPropertyName name, int i) {
        return name.chop(i + 1).isLastElementIndexed();
    }

    /** {@code " (from <origin>)"}, or {@code ""} when Spring Boot does not know it. */
    private static String origin(ConfigurationProperty property) {
        // Spring Boot's origins name a file and line, an environment variable or a property source, never a value.
        Origin origin = property.getOrigin();
        if (origin instanceof PropertySourceOrigin source && source.getOrigin() != null) {
            origin = source.getOrigin();
        } else if (origin instanceof PropertySourceOrigin source) {
            // Its own toString repeats the name, which may hold a URL written as a key; the name as the source holds
            // it is worth showing when it differs, as MINORO_DATABASE_URL does, and looks like a name.
            String held = source.getPropertyName();
            boolean differs = !held.equals(asWritten(property.getName())) && OptionNames.looksLikeAName(held);
            return " (from " + (differs ? held + " in " : "") + "property source "
                    + source.getPropertySource().getName() + ")";
        }
        return origin == null ? "" : " (from " + origin + ")";
    }

    private static boolean isBareNumber(@Nullable Object value) {
        return value instanceof Number number ? number.longValue() > 0
                : value instanceof CharSequence text && BARE_NUMBER.matcher(text).matches();
    }

    /** The properties of the configuration metadata under the checked groups, read once: name to Java type. */
    private static final class Known {

        /** Name to Java type; a {@code ConfigurationPropertyName} equals each relaxed form of its name. */
        static final Map<ConfigurationPropertyName, String> TYPES = read();

        /** The names as the metadata has them: minoro.database.busy-timeout. */
        static final Set<String> NAMES = TYPES.keySet().stream().map(ConfigurationPropertyName::toString)
                .collect(Collectors.toCollection(TreeSet::new));

        private Known() {
        }

        @SuppressWarnings("unchecked")
        private static Map<ConfigurationPropertyName, String> read() {
            Map<ConfigurationPropertyName, String> types = new HashMap<>();
            try {
                Enumeration<URL> metadata = WrittenProperties.class.getClassLoader().getResources(METADATA);
                while (metadata.hasMoreElements()) {
                    String json;
                    try (InputStream in = metadata.nextElement().openStream()) {
                        json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    }
                    Object properties = JsonParserFactory.getJsonParser().parseMap(json).get("properties");
                    if (!(properties instanceof List<?> list)) {
                        continue;
                    }
                    for (Object property : list) {
                        Map<String, Object> fields = (Map<String, Object>) property;
                        ConfigurationPropertyName name =
                                ConfigurationPropertyName.of(String.valueOf(fields.get("name")));
                        if (CHECKED.stream().anyMatch(group -> group.isAncestorOf(name))) {
                            types.put(name, String.valueOf(fields.get("type")));
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + METADATA + " from the class path", e);
            }
            if (!types.containsKey(ConfigurationPropertyName.of(PropertiesConfig.URL))) {
                throw new IllegalStateException(METADATA + " with Minoro's properties is missing from the class path"
                        + " (was the Minoro jar repackaged without it?): without it Minoro cannot tell its properties"
                        + " from misspelt ones");
            }
            return types;
        }
    }
}
