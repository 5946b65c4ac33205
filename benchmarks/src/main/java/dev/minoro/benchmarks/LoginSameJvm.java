package dev.minoro.benchmarks;

import static dev.minoro.benchmarks.SqliteTrial.PASSWORD;
import static dev.minoro.benchmarks.Workload.TIMEOUT;

import dev.minoro.NewUser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Item 6's logins and their ceiling in one JVM: {@link LoginBenchmark} measures the bare hash of the ceiling in JMH
 * forks of its own, and the hash time differed by half between two forks (41 to 46 ms in one, 27 to 28 in the
 * other), more than the target's margin. Here every round times five blocks, one after the other in an order
 * turned by one every round: {@code hashes} bare Argon2id hashes on this thread ({@link Argon2Floor}); as many on as
 * many threads as there are cores at once (kept for the whole run, each keeping its Argon2 memory, as Minoro's
 * hashing threads do); and {@code logins} logins ({@code authenticate} on a SQLite file, Minoro's default Argon2id
 * parameters) shared among 1, 2 and 16 callers, each a platform thread with a user of its own that waits for each
 * answer. Each round's ceiling is {@code min(callers, cores)} over that round's hash time (issue 11's); the program
 * prints each block's figures, then each round's logins per second over its ceiling (target at least 0.9) as means
 * with their standard error, and, for the callers that fill the cores, over the bare hashes per second of that
 * round's threads: what the cores did at once with nothing but hashing. Three warm-up rounds come first.
 *
 * <pre>java -cp target/benchmarks.jar dev.minoro.benchmarks.LoginSameJvm [logins a block] [rounds]</pre>
 *
 * Defaults: 48 logins a block (a multiple of 16), 10 rounds; the bare hashes of a round are half as many.
 */
public final class LoginSameJvm {

    private static final int[] CALLERS = {1, 2, LoginBenchmark.MOST_CALLERS};
    private static final int WARM_UP_ROUNDS = 3;

    private LoginSameJvm() {
    }

    public static void main(String[] args) throws InterruptedException {
        int logins = args.length > 0 ? Integer.parseInt(args[0]) : 48;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        if (logins < LoginBenchmark.MOST_CALLERS || logins % LoginBenchmark.MOST_CALLERS != 0 || rounds < 2) {
            throw new IllegalArgumentException("usage: LoginSameJvm [logins a block, a multiple of "
                    + LoginBenchmark.MOST_CALLERS + "; 48] [rounds, at least 2 for a standard error; 10]");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int hashes = logins / 2;
        // the bare hashes at once run on threads kept for the whole run, each keeping its Argon2 memory from one
        // hash to the next, as Minoro's hashing threads do
        ExecutorService hashers = Executors.newFixedThreadPool(cores);
        try (SqliteTrial trial = SqliteTrial.open("login-same-jvm")) {
            for (int i = 0; i < LoginBenchmark.MOST_CALLERS; i++) {
                trial.minoro.users().create(NewUser.of(Seed.email(i), PASSWORD)).block(TIMEOUT);
            }
            double[] hashMs = new double[rounds];
            double[] parallelHashes = new double[rounds];
            double[][] loginsPerSecond = new double[CALLERS.length][rounds];
            // the five blocks of a round: the bare hash, the bare hashes at once, then logins at 1, 2 and 16
            // callers, in an order turned by one every round
            List<Integer> order = new ArrayList<>();
            for (int block = 0; block < 2 + CALLERS.length; block++) {
                order.add(block);
            }
            for (int round = -WARM_UP_ROUNDS; round < rounds; round++) {
                double[] figures = new double[order.size()];
                for (int block : order) {
                    figures[block] = block == 0 ? hashTime(hashes)
                            : block == 1 ? parallelHashes(hashers, cores, hashes)
                            : loginsPerSecond(trial, CALLERS[block - 2], logins);
                }
                Collections.rotate(order, -1);
                if (round >= 0) {
                    hashMs[round] = figures[0];
                    parallelHashes[round] = figures[1];
                    for (int i = 0; i < CALLERS.length; i++) {
                        loginsPerSecond[i][round] = figures[2 + i];
                    }
                }
            }
            System.out.printf(Locale.ROOT, "%d cores; %d logins a block, %d bare hashes, %d rounds%n", cores, logins,
                    hashes, rounds);
            System.out.printf(Locale.ROOT, "  bare hash, ms    %s%n", Rounds.times(hashMs));
            System.out.printf(Locale.ROOT, "  hashes/s on %d   %s%n", cores, Rounds.times(parallelHashes));
            for (int i = 0; i < CALLERS.length; i++) {
                System.out.printf(Locale.ROOT, "  logins/s at %-4d %s%n", CALLERS[i], Rounds.times(loginsPerSecond[i]));
            }
            System.out.println("logins per second over the ceiling, min(callers, cores) / hash time (target >= 0.9),"
                    + " mean of the rounds' ratios ± standard error:");
            for (int i = 0; i < CALLERS.length; i++) {
                double[] ceiling = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    ceiling[round] = Math.min(CALLERS[i], cores) * 1000.0 / hashMs[round];
                }
                System.out.printf(Locale.ROOT, "  %2d callers  %s%n", CALLERS[i],
                        Rounds.meanWithError(Rounds.ratios(loginsPerSecond[i], ceiling)));
            }
            System.out.println("logins per second over bare hashes per second on as many threads as cores (what the"
                    + " cores do at once), for the callers that fill them:");
            for (int i = 0; i < CALLERS.length; i++) {
                if (CALLERS[i] >= cores) {
                    System.out.printf(Locale.ROOT, "  %2d callers  %s%n", CALLERS[i],
                            Rounds.meanWithError(Rounds.ratios(loginsPerSecond[i], parallelHashes)));
                }
            }
        } finally {
            hashers.shutdownNow();
        }
    }

    /** {@return bare hashes per second of {@code threads} of {@code hashers}' threads sharing {@code hashes}} */
    private static double parallelHashes(ExecutorService hashers, int threads, int hashes)
            throws InterruptedException {
        List<Callable<Object>> shares = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            shares.add(() -> {
                for (int i = 0; i < hashes / threads; i++) {
                    Argon2Floor.hash(PASSWORD);
                }
                return null;
            });
        }
        long begin = System.nanoTime();
        for (Future<Object> share : hashers.invokeAll(shares)) {
            try {
                share.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("a bare hash failed", e.getCause());
            }
        }
        return hashes / threads * threads / ((System.nanoTime() - begin) / 1e9);
    }

    /** {@return milliseconds per bare hash, {@code hashes} of them on this thread} */
    private static double hashTime(int hashes) {
        long start = System.nanoTime();
        for (int i = 0; i < hashes; i++) {
            Argon2Floor.hash(PASSWORD);
        }
        return (System.nanoTime() - start) / 1e6 / hashes;
    }

    /** {@return logins per second of {@code callers} threads sharing {@code logins} logins, each its own user} */
    private static double loginsPerSecond(SqliteTrial trial, int callers, int logins) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> started = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            String email = Seed.email(c);
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < logins / callers; i++) {
                        trial.minoro.authenticate(email, PASSWORD).block(TIMEOUT);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "caller-" + c);
            thread.start();
            started.add(thread);
        }
        long begin = System.nanoTime();
        start.countDown();
        for (Thread thread : started) {
            thread.join();
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("a login failed", failure.get());
        }
        return logins / seconds;
    }
}
