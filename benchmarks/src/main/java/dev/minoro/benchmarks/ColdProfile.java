package dev.minoro.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Where a cold process's CPU time goes, from async-profiler's collapsed stacks ({@code event=cpu}, {@code threads},
 * one file a run): the process benchmark's {@code --profile} runs each program under the profiler and sums the
 * samples here, by thread and by activity, as milliseconds of CPU time per run. The profile covers the whole
 * process: the JVM's start, the program's work to {@code ready}, its {@code close()} and the JVM's exit.
 *
 * <p>Each sample counts once: in the first of the JVM's mechanisms ({@link #MECHANISMS}: linking call sites,
 * opening jars, loading classes, loading the native library) anywhere in its stack, else with the owner of the code
 * nearest its leaf ({@link #OWNERS}), else in the rest.
 */
final class ColdProfile {

    /** An activity: its name and the frames that place a sample in it. */
    private record Activity(String name, Predicate<String> frame) {
    }

    /** The thread groups, by the start of the thread's name, in the order of the report. */
    private static final List<Map.Entry<String, List<String>>> THREADS = List.of(
            Map.entry("main thread", List.of("main", "DestroyJavaVM")),
            Map.entry("Minoro's and the driver's threads", List.of("minoro-")),
            Map.entry("Reactor's scheduler threads", List.of("boundedElastic-", "parallel-", "single-")),
            Map.entry("JIT compiler threads", List.of("C1 CompilerThre", "C2 CompilerThre")),
            Map.entry("GC and VM threads", List.of("GC Thread", "G1 ", "VM Thread", "VM Periodic", "Service Thread",
                    "Monitor Deflation", "Sweeper", "Common-Cleaner", "Reference Handler", "Finalizer",
                    "Signal Dispatcher")));
    private static final String OTHER_THREADS = "other threads";

    /**
     * Work in jars: opening them (the class path walk of a class or resource lookup), finding entries and reading
     * (inflating) their bytes, and all the work under a {@code ServiceLoader}, class loading included.
     */
    private static final Activity JARS = new Activity("opening jars and searching the class path (ServiceLoader"
            + " included)", frame -> frame.contains("URLClassPath") || frame.contains("java/util/zip/")
                    || frame.contains("java/util/jar/") || frame.contains("ServiceLoader"));
    /** How many of the code that opened jars the summary names, the most CPU first. */
    private static final int TOP_CALLERS = 8;

    /**
     * The JVM's own work a sample may be in, whatever code asked for it: the first whose frame is anywhere in the
     * sample's stack takes it. A lambda's class defined while its call site is linked counts as linking; a jar opened
     * while a class loads counts as opening jars.
     */
    private static final List<Activity> MECHANISMS = List.of(
            new Activity("linking lambdas and other invokedynamic call sites",
                    frame -> frame.contains("LambdaMetafactory") || frame.contains("MethodHandleNatives.linkCallSite")
                            || frame.contains("StringConcatFactory") || frame.contains("resolve_invokedynamic")),
            JARS,
            new Activity("loading, verifying and linking classes",
                    frame -> frame.contains("ClassLoader.loadClass") || frame.contains("ClassLoader.defineClass")
                            || frame.contains("ClassFileParser") || frame.contains("SystemDictionary")
                            || frame.contains("Verifier") || frame.contains("InstanceKlass::link")
                            || frame.contains("Rewriter") || frame.contains("LinkResolver")),
            // NativeLibraries also takes the JDK's own native libraries; the extraction's read of the jar is in JARS
            new Activity("sqlite-jdbc's native library (extracting and loading it)",
                    frame -> frame.contains("SQLiteJDBCLoader") || frame.contains("NativeLibraries")));

    /** Whose code a sample outside {@link #MECHANISMS} runs: the owner of its frame nearest the leaf that has one. */
    private static final List<Activity> OWNERS = List.of(
            new Activity("SQLite (open, pragmas, statements)", frame -> frame.startsWith("org/sqlite/")
                    || frame.startsWith("sqlite3")),
            new Activity("logging (SLF4J, java.util.logging)", frame -> frame.startsWith("org/slf4j/")
                    || frame.startsWith("java/util/logging/") || frame.startsWith("jdk/internal/logger/")),
            new Activity("Minoro's code", frame -> frame.startsWith("dev/minoro/")
                    && !frame.startsWith("dev/minoro/benchmarks/")),
            new Activity("Flyway's code", frame -> frame.startsWith("org/flywaydb/")),
            new Activity("Reactor's code", frame -> frame.startsWith("reactor/")),
            new Activity("the JDK's code", frame -> frame.startsWith("java/") || frame.startsWith("jdk/")
                    || frame.startsWith("sun/")));
    private static final String REST = "the JVM's own start and exit, and the rest";

    private ColdProfile() {
    }

    /**
     * Sums the collapsed files in {@code directory} (one a run; {@code runs} of them) sampled every
     * {@code intervalMs} of CPU time: milliseconds of CPU per run by thread group, then by activity over the threads
     * that run Java code (not the JIT compilers, the GC or the VM's own threads).
     */
    static Map<String, Object> summarize(Path directory, int runs, double intervalMs) throws IOException {
        Map<String, Double> byThread = new LinkedHashMap<>();
        THREADS.forEach(group -> byThread.put(group.getKey(), 0.0));
        byThread.put(OTHER_THREADS, 0.0);
        Map<String, Double> byActivity = new LinkedHashMap<>();
        activities().forEach(activity -> byActivity.put(activity, 0.0));
        Map<String, Double> jarsBy = new LinkedHashMap<>();
        int files = 0;
        try (Stream<Path> listed = Files.list(directory)) {
            for (Path file : (Iterable<Path>) listed.filter(p -> p.toString().endsWith(".collapsed"))::iterator) {
                files++;
                for (String line : Files.readAllLines(file)) {
                    int space = line.lastIndexOf(' ');
                    if (space < 0) {
                        continue;
                    }
                    double ms = Long.parseLong(line.substring(space + 1)) * intervalMs / runs;
                    String[] frames = line.substring(0, space).split(";");
                    String group = threadGroup(frames[0]);
                    byThread.merge(group, ms, Double::sum);
                    if (group.equals("JIT compiler threads") || group.equals("GC and VM threads")) {
                        continue;
                    }
                    String activity = activity(frames);
                    byActivity.merge(activity, ms, Double::sum);
                    if (activity.equals(JARS.name())) {
                        jarsBy.merge(caller(frames, JARS), ms, Double::sum);
                    }
                }
            }
        }
        if (files != runs) {
            throw new IllegalStateException(directory + " holds " + files + " profiles, not the " + runs
                    + " runs made: see each program's standard error, NAME.stderr in the directory above");
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("runs", runs);
        result.put("cpuMsPerRunByThread", rounded(byThread));
        result.put("cpuMsPerRunByActivity", rounded(byActivity));
        Map<String, Double> topCallers = new LinkedHashMap<>();
        jarsBy.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(TOP_CALLERS)
                .forEach(e -> topCallers.put(e.getKey(), e.getValue()));
        result.put("cpuMsPerRunOpeningJarsByCaller", rounded(topCallers));
        return result;
    }

    /** The group of the thread named by a collapsed stack's first frame, {@code [name tid=N]}. */
    private static String threadGroup(String threadFrame) {
        String name = threadFrame.startsWith("[") ? threadFrame.substring(1) : threadFrame;
        for (Map.Entry<String, List<String>> group : THREADS) {
            if (group.getValue().stream().anyMatch(name::startsWith)) {
                return group.getKey();
            }
        }
        return OTHER_THREADS;
    }

    /** Where a sample goes: its first mechanism, else the owner of its frame nearest the leaf, else the rest. */
    private static String activity(String[] frames) {
        for (Activity mechanism : MECHANISMS) {
            for (int i = 1; i < frames.length; i++) {
                if (mechanism.frame().test(frames[i])) {
                    return mechanism.name();
                }
            }
        }
        for (int i = frames.length - 1; i >= 1; i--) {
            for (Activity owner : OWNERS) {
                if (owner.frame().test(frames[i])) {
                    return owner.name();
                }
            }
        }
        return REST;
    }

    /**
     * The method that asked for {@code mechanism}'s work: the frame nearest it, towards the root, outside the JDK
     * (the class whose static initializer looks a class up, the library that loads a service), or the JDK's.
     */
    private static String caller(String[] frames, Activity mechanism) {
        int first = 1;
        while (first < frames.length && !mechanism.frame().test(frames[first])) {
            first++;
        }
        for (int i = first - 1; i >= 1; i--) {
            String frame = frames[i];
            if (frame.contains("/") && !frame.startsWith("java/") && !frame.startsWith("jdk/")
                    && !frame.startsWith("sun/")) {
                return frame;
            }
        }
        return "the JDK";
    }

    private static Map<String, Double> rounded(Map<String, Double> values) {
        Map<String, Double> result = new LinkedHashMap<>();
        values.forEach((key, value) -> result.put(key, Math.round(value * 10) / 10.0));
        return result;
    }

    /** The names of the thread groups and activities, in the order of the report. */
    static List<String> threadGroups() {
        return Stream.concat(THREADS.stream().map(Map.Entry::getKey), Stream.of(OTHER_THREADS)).toList();
    }

    static List<String> activities() {
        List<String> names = new ArrayList<>();
        MECHANISMS.forEach(mechanism -> names.add(mechanism.name()));
        OWNERS.forEach(owner -> names.add(owner.name()));
        names.add(REST);
        return names;
    }
}
