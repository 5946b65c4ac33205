package dev.minoro.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import reactor.core.publisher.Mono;

/**
 * The timing and arithmetic of the same-JVM programs, which time blocks of calls in rounds and compare them round
 * by round.
 */
final class Rounds {

    private Rounds() {
    }

    /**
     * Runs {@code calls} calls of {@code operation} on the next numbers of {@code workload}: one after the other,
     * each waited for, or {@code concurrency} in flight from this thread ({@link Workload#concurrently}, as the
     * benchmarks at 16 do); returns microseconds per call.
     */
    static double timed(LongFunction<Mono<?>> operation, Workload workload, int calls, int concurrency) {
        long start = System.nanoTime();
        if (concurrency == 1) {
            for (int i = 0; i < calls; i++) {
                operation.apply(workload.next()).block(Workload.TIMEOUT);
            }
        } else {
            Workload.concurrently(concurrency, workload.nextBatch(calls), calls, operation::apply);
        }
        return (System.nanoTime() - start) / 1000.0 / calls;
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
