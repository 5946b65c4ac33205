package dev.minoro.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.minoro.benchmarks.process.programs.FloorProgram;
import dev.minoro.benchmarks.process.programs.FlywayProgram;
import dev.minoro.benchmarks.process.programs.MinoroProgram;
import dev.minoro.benchmarks.process.programs.ReactorFloorProgram;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Whole-process figures (issue 11 item 4), run by {@code process/run.sh}: each program in
 * {@code dev.minoro.benchmarks.process.programs} in a fresh JVM, many rounds, the programs interleaved (each
 * round starts with the next one), timing
 * <ul>
 *   <li>JVM start to {@code ready} on standard output: from just before the process is started to the line's
 *       arrival;</li>
 *   <li>the program's end after {@code close()}: from the last line of {@code main} ({@code closed}) to the
 *       process's exit.</li>
 * </ul>
 * Programs: {@code minoro} (Minoro, its dependencies only), {@code flyway} (Flyway + sqlite-jdbc),
 * {@code floor} (sqlite-jdbc and the ledger statement), {@code minoro-appcds}: Minoro with an AppCDS
 * archive made by one earlier run ({@code -XX:ArchiveClassesAtExit}), and for each {@code --minoro-jar NAME=PATH}
 * a {@code minoro-NAME}: the Minoro program on another build of the library (its jar at PATH), to compare two
 * builds in the same rounds; for each {@code --jvm-options NAME=OPTIONS} (options separated by spaces) a
 * {@code minoro-NAME} and a {@code flyway-NAME}: both programs started with those JVM options, to measure what a
 * user can add to the command line (such as {@code -XX:TieredStopAtLevel=1}). Before the timed rounds each program
 * runs once to create its database and once per warm-up round; then once with {@code -Xlog:class+load} to count the
 * classes it loads and list any Netty, reactor-netty and r2dbc-postgresql class. With {@code --profile RUNS}, after
 * the timed rounds each program runs {@code RUNS} times more under async-profiler, whose samples {@link ColdProfile}
 * sums by thread and activity (CPU milliseconds per run). Writes {@code process-result.json} for {@link Report}.
 *
 * <pre>
 * ProcessBenchmark --dir target/process --programs-jar target/…-programs.jar [--rounds 15] [--warmup 2]
 *     [--minoro-jar NAME=PATH]… [--jvm-options NAME=OPTIONS]… [--profile RUNS [--async-profiler LIB]]
 * </pre>
 * {@code --dir} holds the class path files ({@code minoro.classpath}, {@code flyway.classpath},
 * {@code floor.classpath}) that {@code run.sh} resolves.
 */
public final class ProcessBenchmark {

    private static final long READY_TIMEOUT_SECONDS = 120;
    private static final long EXIT_TIMEOUT_SECONDS = 60;
    /** How often {@code --profile} samples each thread, in milliseconds of its CPU time. */
    private static final int PROFILE_INTERVAL_MS = 1;
    /** Reactor's jars, by their folder in a Maven repository. */
    private static final List<String> REACTOR_JARS = folders("io/projectreactor/reactor-core",
            "org/reactivestreams/reactive-streams");
    /** r2dbc-postgresql, r2dbc-pool and what only they bring, by their folder in a Maven repository. */
    private static final List<String> POSTGRES_STACK_JARS = folders("org/postgresql/r2dbc-postgresql",
            "io/r2dbc/r2dbc-pool", "io/projectreactor/addons/reactor-pool", "io/projectreactor/netty", "io/netty",
            "com/ongres");
    private static final List<String> TRANSPORT_PACKAGES = List.of("io.netty.", "reactor.netty.", "io.r2dbc.postgresql.");

    private final Path dir;
    private final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private final List<Program> programs = new ArrayList<>();

    /** One program as the benchmark runs it. */
    private record Program(String name, String mainClass, String classPath, Path database, List<String> jvmArgs) {
    }

    /** One run: JVM start to ready, and the last line of main to exit, in milliseconds. */
    private record Run(double readyMs, double exitAfterMainMs) {
    }

    private ProcessBenchmark(Path dir) {
        this.dir = dir;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of("target/process");
        Path programsJar = null;
        int rounds = 15;
        int warmup = 2;
        List<String> variants = new ArrayList<>();
        List<String> jvmOptions = new ArrayList<>();
        int profileRuns = 0;
        Path profiler = Path.of("target/async-profiler/linux-x64/libasyncProfiler.so");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--dir": dir = Path.of(args[++i]); break;
                case "--programs-jar": programsJar = Path.of(args[++i]); break;
                case "--rounds": rounds = Integer.parseInt(args[++i]); break;
                case "--warmup": warmup = Integer.parseInt(args[++i]); break;
                case "--minoro-jar": variants.add(args[++i]); break;
                case "--jvm-options": jvmOptions.add(args[++i]); break;
                case "--profile": profileRuns = Integer.parseInt(args[++i]); break;
                case "--async-profiler": profiler = Path.of(args[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (programsJar == null) {
            throw new IllegalArgumentException("--programs-jar is required (target/minoro-benchmarks-*-programs.jar)");
        }
        if (profileRuns > 0 && !Files.isRegularFile(profiler)) {
            throw new IllegalArgumentException("--profile needs async-profiler's library, not found at " + profiler
                    + ": mvn package in benchmarks/ unpacks it there, or name it with --async-profiler PATH");
        }
        new ProcessBenchmark(dir.toAbsolutePath()).run(programsJar.toAbsolutePath(), rounds, warmup, variants,
                jvmOptions, profileRuns, profiler.toAbsolutePath());
    }

    private void run(Path programsJar, int rounds, int warmup, List<String> variants, List<String> jvmOptions,
            int profileRuns, Path profiler) throws Exception {
        Files.createDirectories(dir);
        String loadBefore = loadAverage();
        System.out.println("load average before: " + loadBefore);
        for (String file : List.of("minoro.db", "minoro.db-wal", "minoro.db-shm", "flyway.db", "flyway.db-wal",
                "flyway.db-shm", "minoro.jsa")) {
            Files.deleteIfExists(dir.resolve(file));
        }
        Path flywayClassPath = dir.resolve("flyway-migrations");
        BenchData.delete(flywayClassPath);
        Migrations.writeFlywayMigrations(flywayClassPath.resolve("db/migration"), "sqlite",
                Migrations.minoroScripts("sqlite").size());

        Program minoro = new Program("minoro", MinoroProgram.class.getName(),
                programsJar + File.pathSeparator + classPath("minoro"), dir.resolve("minoro.db"), List.of());
        programs.add(minoro);
        // --minoro-jar NAME=PATH: the same program on another build of the library, in the same rounds
        for (String variant : variants) {
            int equals = variant.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("--minoro-jar takes NAME=PATH, not " + variant);
            }
            programs.add(new Program("minoro-" + variant.substring(0, equals), minoro.mainClass(),
                    withMinoroJar(minoro.classPath(), Path.of(variant.substring(equals + 1)).toAbsolutePath()),
                    minoro.database(), List.of()));
        }
        Program flyway = new Program("flyway", FlywayProgram.class.getName(), programsJar + File.pathSeparator
                + classPath("flyway") + File.pathSeparator + flywayClassPath, dir.resolve("flyway.db"), List.of());
        programs.add(flyway);
        // --jvm-options NAME=OPTIONS: Minoro and Flyway started with what a user may add to the command line
        for (String options : jvmOptions) {
            int equals = options.indexOf('=');
            if (equals <= 0 || equals == options.length() - 1) {
                throw new IllegalArgumentException("--jvm-options takes NAME=OPTIONS, not " + options);
            }
            String name = options.substring(0, equals);
            List<String> args = List.of(options.substring(equals + 1).trim().split("\\s+"));
            for (Program program : List.of(minoro, flyway)) {
                programs.add(new Program(program.name() + "-" + name, program.mainClass(), program.classPath(),
                        program.database(), args));
            }
        }
        programs.add(new Program("floor", FloorProgram.class.getName(),
                programsJar + File.pathSeparator + classPath("floor"), dir.resolve("minoro.db"), List.of()));
        // the floor's work through the least reactive bridge: what Reactor alone adds to a cold process
        programs.add(new Program("floor-reactor", ReactorFloorProgram.class.getName(), programsJar
                + File.pathSeparator + classPath("floor") + File.pathSeparator
                + only(minoro.classPath(), REACTOR_JARS), dir.resolve("minoro.db"), List.of()));
        // Minoro without its PostgreSQL stack on the class path: what optional PostgreSQL dependencies would give a
        // SQLite-only application (fewer jars for every class or resource lookup to open)
        programs.add(new Program("minoro-sqlite-only", minoro.mainClass(), without(minoro.classPath(),
                POSTGRES_STACK_JARS), minoro.database(), List.of()));

        // the databases: Minoro's first (the floor reads its ledger), then Flyway's
        for (Program program : programs) {
            runOnce(program, List.of());
        }
        Path archive = dir.resolve("minoro.jsa");
        System.out.println("making the AppCDS archive of the Minoro program");
        runOnce(minoro, List.of("-XX:ArchiveClassesAtExit=" + archive));
        if (Files.exists(archive)) {
            programs.add(new Program("minoro-appcds", minoro.mainClass(), minoro.classPath(), minoro.database(),
                    List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto")));
        } else {
            System.out.println("no AppCDS archive was written (see " + dir.resolve("minoro.stderr") + "); skipped");
        }

        Map<String, Object> classes = new LinkedHashMap<>();
        for (Program program : programs) {
            classes.put(program.name(), classLoading(program));
        }

        for (int round = 0; round < warmup; round++) {
            for (Program program : programs) {
                runOnce(program, List.of());
            }
        }
        Map<String, List<Run>> runs = new LinkedHashMap<>();
        programs.forEach(p -> runs.put(p.name(), new ArrayList<>()));
        for (int round = 0; round < rounds; round++) {
            List<Program> order = new ArrayList<>(programs);
            Collections.rotate(order, -(round % order.size()));
            StringBuilder line = new StringBuilder("round " + (round + 1) + "/" + rounds + ":");
            for (Program program : order) {
                Run run = runOnce(program, List.of());
                runs.get(program.name()).add(run);
                line.append(String.format(" %s %.0f ms (exit +%.0f ms);", program.name(), run.readyMs(),
                        run.exitAfterMainMs()));
            }
            System.out.println(line);
        }
        Map<String, Object> profiles = new LinkedHashMap<>();
        if (profileRuns > 0) {
            for (Program program : programs) {
                profiles.put(program.name(), profile(program, profileRuns, profiler));
            }
        }
        String loadAfter = loadAverage();
        System.out.println("load average after: " + loadAfter);

        Map<String, Object> result = new LinkedHashMap<>();
        result.put("date", Instant.now().toString());
        result.put("java", System.getProperty("java.vm.version"));
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("rounds", rounds);
        result.put("warmupRounds", warmup);
        result.put("loadAverageBefore", loadBefore);
        result.put("loadAverageAfter", loadAfter);
        Map<String, Object> byProgram = new LinkedHashMap<>();
        System.out.println();
        System.out.println("program            ready: median (p10-p90)   exit after main: median   classes loaded");
        for (Program program : programs) {
            List<Run> measured = runs.get(program.name());
            Map<String, Object> entry = new LinkedHashMap<>();
            Map<String, Double> ready = statistics(measured.stream().map(Run::readyMs).collect(Collectors.toList()));
            Map<String, Double> exit = statistics(measured.stream().map(Run::exitAfterMainMs)
                    .collect(Collectors.toList()));
            entry.put("readyMs", ready);
            entry.put("exitAfterMainMs", exit);
            entry.put("readySamplesMs", measured.stream().map(Run::readyMs).collect(Collectors.toList()));
            entry.put("exitSamplesMs", measured.stream().map(Run::exitAfterMainMs).collect(Collectors.toList()));
            @SuppressWarnings("unchecked") // made by classLoading below
            Map<String, Object> loaded = (Map<String, Object>) classes.get(program.name());
            entry.putAll(loaded);
            byProgram.put(program.name(), entry);
            System.out.printf("%-18s %7.0f ms (%.0f-%.0f)          %7.0f ms            %s%n", program.name(),
                    ready.get("median"), ready.get("p10"), ready.get("p90"), exit.get("median"),
                    loaded.get("classesLoaded"));
        }
        result.put("programs", byProgram);
        if (!profiles.isEmpty()) {
            result.put("profileIntervalMs", PROFILE_INTERVAL_MS);
            result.put("profiles", profiles);
        }
        Path json = dir.resolve("process-result.json");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);
        System.out.println();
        System.out.println("wrote " + json);
    }

    /** Runs {@code program} once, with {@code extraJvmArgs}; fails when it does not print ready and closed. */
    private Run runOnce(Program program, List<String> extraJvmArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(program.jvmArgs());
        command.addAll(extraJvmArgs);
        command.add("-cp");
        command.add(program.classPath());
        command.add(program.mainClass());
        command.add(program.database().toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectError(dir.resolve(program.name() + ".stderr").toFile());
        long start = System.nanoTime();
        Process process = builder.start();
        long ready = -1;
        long closed = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.equals("ready")) {
                    ready = System.nanoTime();
                } else if (line.equals("closed")) {
                    closed = System.nanoTime();
                    break;
                }
            }
            if (!process.waitFor(EXIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(program.name() + " did not exit within " + EXIT_TIMEOUT_SECONDS
                        + " s of its last line");
            }
        }
        long exited = System.nanoTime();
        if (ready < 0 || closed < 0 || process.exitValue() != 0) {
            throw new IllegalStateException(program.name() + " failed (exit " + process.exitValue()
                    + "); see " + dir.resolve(program.name() + ".stderr"));
        }
        if ((ready - start) > TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS)) {
            throw new IllegalStateException(program.name() + " took more than " + READY_TIMEOUT_SECONDS + " s");
        }
        return new Run((ready - start) / 1e6, (exited - closed) / 1e6);
    }

    /**
     * Runs {@code program} {@code runs} times under async-profiler (CPU samples every {@link #PROFILE_INTERVAL_MS}
     * ms of a thread's CPU time, each run's collapsed stacks in {@code profile-NAME/PID.collapsed}) and sums them:
     * see {@link ColdProfile}.
     */
    private Map<String, Object> profile(Program program, int runs, Path profiler)
            throws IOException, InterruptedException {
        Path profiles = dir.resolve("profile-" + program.name());
        BenchData.delete(profiles);
        Files.createDirectories(profiles);
        String agent = "-agentpath:" + profiler + "=start,event=cpu,interval=" + PROFILE_INTERVAL_MS + "ms,threads,"
                + "file=" + profiles.resolve("%p.collapsed");
        for (int run = 0; run < runs; run++) {
            runOnce(program, List.of(agent));
        }
        Map<String, Object> summary = ColdProfile.summarize(profiles, runs, PROFILE_INTERVAL_MS);
        System.out.println("profile of " + program.name() + " (CPU ms per run): " + summary);
        return summary;
    }

    /** Runs {@code program} once with {@code -Xlog:class+load}: how many classes, from where, which transport ones. */
    private Map<String, Object> classLoading(Program program) throws IOException, InterruptedException {
        Path log = dir.resolve("classes-" + program.name() + ".log");
        Files.deleteIfExists(log);
        runOnce(program, List.of("-Xlog:class+load=info:file=" + log));
        List<String> lines;
        try (Stream<String> all = Files.lines(log)) {
            lines = all.filter(l -> l.contains("[class,load]") && l.contains(" source: ")).collect(Collectors.toList());
        }
        TreeSet<String> transport = new TreeSet<>();
        long fromArchive = 0;
        for (String line : lines) {
            String name = line.substring(line.indexOf("[class,load] ") + "[class,load] ".length(), line.indexOf(" source: "));
            if (TRANSPORT_PACKAGES.stream().anyMatch(name::startsWith)) {
                transport.add(name);
            }
            if (line.contains("source: shared objects file")) {
                fromArchive++;
            }
        }
        System.out.println(program.name() + ": " + lines.size() + " classes loaded (" + fromArchive
                + " from CDS archives), " + transport.size() + " of Netty, reactor-netty or r2dbc-postgresql"
                + (transport.isEmpty() ? "" : ":"));
        transport.forEach(name -> System.out.println("    " + name));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("classesLoaded", lines.size());
        result.put("classesFromCdsArchives", fromArchive);
        result.put("postgresTransportClasses", new ArrayList<>(transport));
        return result;
    }

    /** Each path as the folder it names inside a Maven repository: {@code /a/b/}, with this system's separator. */
    private static List<String> folders(String... paths) {
        return Stream.of(paths).map(path -> File.separator + path.replace('/', File.separatorChar) + File.separator)
                .collect(Collectors.toList());
    }

    /** The entries of {@code classPath} whose path contains one of {@code parts}, in their order. */
    private static String only(String classPath, List<String> parts) {
        return Stream.of(entries(classPath, parts)).filter(entry -> parts.stream().anyMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /** {@code classPath} without the entries whose path contains one of {@code parts}. */
    private static String without(String classPath, List<String> parts) {
        return Stream.of(entries(classPath, parts)).filter(entry -> parts.stream().noneMatch(entry::contains))
                .collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * The entries of {@code classPath}, after checking that each of {@code parts} is in one of them: a class path
     * laid out otherwise than a Maven repository would leave a program without the jars it names, or silently
     * with the jars it leaves out.
     */
    private static String[] entries(String classPath, List<String> parts) {
        String[] entries = classPath.split(File.pathSeparator);
        for (String part : parts) {
            if (Stream.of(entries).noneMatch(entry -> entry.contains(part))) {
                throw new IllegalStateException("no jar under " + part + " in the class path " + classPath);
            }
        }
        return entries;
    }

    /** {@code classPath} with Minoro's own jar (the entry under {@code dev/minoro/minoro/}) replaced by {@code jar}. */
    private static String withMinoroJar(String classPath, Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("--minoro-jar: no file " + jar);
        }
        List<String> entries = new ArrayList<>(List.of(classPath.split(File.pathSeparator)));
        String separator = File.separator;
        String library = separator + "dev" + separator + "minoro" + separator + "minoro" + separator;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).contains(library)) {
                entries.set(i, jar.toString());
                return String.join(File.pathSeparator, entries);
            }
        }
        throw new IllegalStateException("no Minoro jar (a path with " + library + ") in the class path " + classPath);
    }

    private String classPath(String program) throws IOException {
        Path file = dir.resolve(program + ".classpath");
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: process/run.sh resolves it");
        }
        return Files.readString(file).strip();
    }

    private static Map<String, Double> statistics(List<Double> samples) {
        List<Double> sorted = samples.stream().sorted().collect(Collectors.toList());
        Map<String, Double> result = new LinkedHashMap<>();
        result.put("n", (double) sorted.size());
        result.put("median", percentile(sorted, 50));
        result.put("mean", sorted.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
        result.put("p10", percentile(sorted, 10));
        result.put("p90", percentile(sorted, 90));
        result.put("min", sorted.isEmpty() ? Double.NaN : sorted.get(0));
        result.put("max", sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1));
        return result;
    }

    /** Linear interpolation between closest ranks. */
    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        double rank = p / 100 * (sorted.size() - 1);
        int low = (int) Math.floor(rank);
        int high = (int) Math.ceil(rank);
        return sorted.get(low) + (sorted.get(high) - sorted.get(low)) * (rank - low);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
