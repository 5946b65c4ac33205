package dev.minoro.benchmarks.process.programs;

import dev.minoro.DatabaseConfig;
import dev.minoro.Minoro;
import dev.minoro.MinoroConfig;

/**
 * A serverless-style program that uses Minoro on a SQLite file: boot (the schema is up to date after the first
 * run), print {@code ready}, close, print {@code closed}, return from {@code main}. What the process benchmark
 * times: JVM start to {@code ready}, and {@code closed} to the process's exit. Class path: this jar and Minoro's
 * own dependencies, nothing else.
 */
public final class MinoroProgram {

    private MinoroProgram() {
    }

    public static void main(String[] args) {
        Minoro minoro = Minoro.create(MinoroConfig.of(DatabaseConfig.sqlite("file:" + args[0]))).block();
        System.out.println("ready");
        minoro.close().block();
        System.out.println("closed");
    }
}
