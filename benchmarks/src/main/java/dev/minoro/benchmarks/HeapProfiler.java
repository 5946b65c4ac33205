package dev.minoro.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * What a benchmark keeps on the heap, as JMH's {@code -prof gc} does not say: the largest heap in use right
 * after a garbage collection during each iteration (the live objects at that moment, objects being worked on
 * included: a login's 19 MiB Argon2 memory while it hashes), in MiB, and how many collections gave it.
 * {@code -prof dev.minoro.benchmarks.HeapProfiler}. An iteration without a collection reports no heap figure, only
 * its count of collections (0).
 */
public final class HeapProfiler implements InternalProfiler {

    private static final double MIB = 1024.0 * 1024.0;

    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP)
            .map(MemoryPoolMXBean::getName)
            .collect(Collectors.toSet());
    private final AtomicLong maxAfterGc = new AtomicLong(-1);
    private final AtomicLong collections = new AtomicLong();

    public HeapProfiler() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
                if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
                    GcInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData())
                            .getGcInfo();
                    long used = 0;
                    for (var pool : info.getMemoryUsageAfterGc().entrySet()) {
                        if (heapPools.contains(pool.getKey())) {
                            used += pool.getValue().getUsed();
                        }
                    }
                    maxAfterGc.accumulateAndGet(used, Math::max);
                    collections.incrementAndGet();
                }
            }, null, null);
        }
    }

    @Override
    public String getDescription() {
        return "largest heap in use after a GC, per iteration";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        maxAfterGc.set(-1);
        collections.set(0);
    }

    @Override
    public List<? extends Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        long max = maxAfterGc.get();
        ScalarResult count = new ScalarResult("heap.collections", collections.get(), "#", AggregationPolicy.SUM);
        if (max < 0) {
            // no collection in this iteration: nothing to report, rather than a NaN that would make the maximum
            // over the iterations NaN too
            return List.of(count);
        }
        return List.of(new ScalarResult("heap.maxAfterGc", max / MIB, "MiB", AggregationPolicy.MAX), count);
    }
}
