package dev.minoro.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The arithmetic of the same-JVM programs, which time blocks of calls in rounds and compare them round by round. */
final class Rounds {

    private Rounds() {
    }

    /** {@return each round's {@code a / b}} */
    static double[] ratios(double[] a, double[] b) {
        double[] ratios = new double[a.length];
        for (int round = 0; round < a.length; round++) {
            ratios[round] = a[round] / b[round];
        }
        return ratios;
    }

    /** {@return the mean of {@code values} with its standard error, {@code 0.950 ± 0.012}; at least two values} */
    static String meanWithError(double[] values) {
        int n = values.length;
        double mean = Arrays.stream(values).average().orElseThrow();
        double variance = Arrays.stream(values).map(value -> (value - mean) * (value - mean)).sum() / (n - 1);
        return String.format(Locale.ROOT, "%.3f ± %.3f", mean, Math.sqrt(variance / n));
    }

    /** {@return the blocks' microseconds per call, one decimal each} */
    static String times(double[] micros) {
        return Arrays.stream(micros).mapToObj(value -> String.format(Locale.ROOT, " %7.1f", value))
                .collect(Collectors.joining());
    }
}
