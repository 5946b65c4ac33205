package dev.minoro.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The results in JMH's JSON files ({@code -rf json -rff …}), for {@link Report} and {@link Charts}. */
final class JmhResults {

    /** One JMH score with its 99.9% error (NaN when JMH gave none: a single iteration), in its unit. */
    record Score(double value, double error, String unit) {

        /** The score in {@code unit}, converting between time units and between rates. */
        Score in(String target) {
            double factor = factor(unit) / factor(target);
            return new Score(value * factor, error * factor, target);
        }

        /** This score divided by {@code other}, the error propagated from both (relative errors in quadrature). */
        Ratio over(Score other) {
            double ratio = value / other.value;
            double relative = Math.hypot(error / value, other.error / other.value);
            return new Ratio(ratio, ratio * relative);
        }

        /** Seconds per unit for times ({@code ms/op}), operations per second per unit for rates ({@code ops/ms}). */
        private static double factor(String unit) {
            switch (unit) {
                case "s/op": return 1;
                case "ms/op": return 1e-3;
                case "us/op": return 1e-6;
                case "ns/op": return 1e-9;
                case "ops/s": return 1;
                case "ops/ms": return 1e3;
                case "ops/us": return 1e6;
                default: throw new IllegalArgumentException("unknown JMH unit " + unit);
            }
        }
    }

    /** A ratio of two scores and its propagated error (NaN when either score has none). */
    record Ratio(double value, double error) {
    }

    /** One benchmark's result: which benchmark (class.method), mode, threads and parameters, and its scores. */
    record Result(String benchmark, String mode, int threads, Map<String, String> params, Score primary,
            Map<String, Double> percentiles, Map<String, Score> secondary) {

        boolean matches(String name, String wantedMode, Map<String, String> wanted) {
            return benchmark.equals(name) && mode.equals(wantedMode)
                    && wanted.entrySet().stream().allMatch(e -> e.getValue().equals(params.get(e.getKey())));
        }
    }

    private final List<Result> results;

    private JmhResults(List<Result> results) {
        this.results = results;
    }

    static JmhResults read(List<Path> files) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Result> results = new ArrayList<>();
        for (Path file : files) {
            for (JsonNode node : mapper.readTree(file.toFile())) {
                String benchmark = node.path("benchmark").asText();
                benchmark = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
                Map<String, String> params = new LinkedHashMap<>();
                node.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
                JsonNode primary = node.path("primaryMetric");
                Map<String, Double> percentiles = new LinkedHashMap<>();
                primary.path("scorePercentiles").properties()
                        .forEach(e -> percentiles.put(e.getKey(), e.getValue().asDouble()));
                Map<String, Score> secondary = new LinkedHashMap<>();
                node.path("secondaryMetrics").properties().forEach(e -> secondary.put(e.getKey(), score(e.getValue())));
                results.add(new Result(benchmark, node.path("mode").asText(), node.path("threads").asInt(), params,
                        score(primary), percentiles, secondary));
            }
        }
        return new JmhResults(results);
    }

    private static Score score(JsonNode metric) {
        return new Score(metric.path("score").asDouble(), metric.path("scoreError").asDouble(Double.NaN),
                metric.path("scoreUnit").asText());
    }

    /** The result of {@code benchmark} ({@code Class.method}) in {@code mode} with the given parameters, if run. */
    Optional<Result> find(String benchmark, String mode, String... params) {
        Map<String, String> wanted = new LinkedHashMap<>();
        for (int i = 0; i + 1 < params.length; i += 2) {
            wanted.put(params[i], params[i + 1]);
        }
        return results.stream().filter(r -> r.matches(benchmark, mode, wanted)).findFirst();
    }

    Optional<Score> score(String benchmark, String mode, String... params) {
        return find(benchmark, mode, params).map(Result::primary);
    }

    boolean isEmpty() {
        return results.isEmpty();
    }
}
