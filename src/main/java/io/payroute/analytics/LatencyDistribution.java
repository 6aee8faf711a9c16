package io.payroute.analytics;

import java.util.Map;
import java.util.TreeMap;

/** One provider's call latencies, counted per millisecond value: nearest-rank percentiles and a histogram. */
final class LatencyDistribution {

    /** Upper bounds (ms) of the histogram's buckets; slower calls fall in one more, open bucket. */
    static final int[] BUCKETS_MS = {50, 100, 200, 300, 500, 750, 1000, 2000, 5000};

    private final TreeMap<Integer, Long> counts = new TreeMap<>();
    private long calls;

    void add(int latencyMs, long n) {
        counts.merge(latencyMs, n, Long::sum);
        calls += n;
    }

    long calls() {
        return calls;
    }

    /** The smallest latency that at least {@code p} (0..1) of the calls took no longer than. */
    int percentile(double p) {
        long rank = Math.max(1, (long) Math.ceil(p * calls));
        long seen = 0;
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("no calls");
    }

    /** Calls per bucket of {@link #BUCKETS_MS}, then the calls slower than the last bound. */
    long[] histogram() {
        long[] buckets = new long[BUCKETS_MS.length + 1];
        counts.forEach((latency, n) -> {
            int i = 0;
            while (i < BUCKETS_MS.length && latency > BUCKETS_MS[i]) {
                i++;
            }
            buckets[i] += n;
        });
        return buckets;
    }
}
