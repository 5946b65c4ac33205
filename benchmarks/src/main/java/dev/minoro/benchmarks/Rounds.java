package dev.minoro.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
     * A same-JVM program's command line: {@code [calls a block] [rounds] [--concurrency N] [operation]...}, the
     * numbers in that order, the operations among those the program knows (none named: all of them).
     */
    record Arguments(int calls, int rounds, int concurrency, List<String> operations) {

        /**
         * Parses {@code args} over the defaults given; {@code --concurrency} only where {@code concurrencyAllowed}.
         *
         * @throws IllegalArgumentException naming the usage, for an unknown word or a number out of range
         */
        static Arguments parse(String program, String[] args, List<String> known, int calls, int rounds,
                boolean concurrencyAllowed) {
            String usage = "usage: " + program + " [calls a block, at least 1; " + calls + "] [rounds, at least 2"
                    + " for a standard error; " + rounds + "]"
                    + (concurrencyAllowed ? " [--concurrency N, calls in flight, at least 1; 1]" : "")
                    + " [operation, one of " + known + "; all]...";
            int concurrency = 1;
            int numbers = 0;
            List<String> operations = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                if (concurrencyAllowed && args[i].equals("--concurrency") && i + 1 < args.length) {
                    concurrency = Integer.parseInt(args[++i]);
                } else if (args[i].matches("\\d+") && numbers < 2) {
                    if (numbers++ == 0) {
                        calls = Integer.parseInt(args[i]);
                    } else {
                        rounds = Integer.parseInt(args[i]);
                    }
                } else if (known.contains(args[i])) {
                    operations.add(args[i]);
                } else {
                    throw new IllegalArgumentException(usage + "; not " + args[i]);
                }
            }
            if (calls < 1 || rounds < 2 || concurrency < 1) {
                throw new IllegalArgumentException(usage);
            }
            return new Arguments(calls, rounds, concurrency, List.copyOf(operations.isEmpty() ? known : operations));
        }

        /** {@return whether {@code operation} is to run} */
        boolean runs(String operation) {
            return operations.contains(operation);
        }
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
