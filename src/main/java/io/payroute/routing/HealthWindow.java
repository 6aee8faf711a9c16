package io.payroute.routing;

import java.util.Arrays;

/**
 * The history of one provider at one dimension value (a level's key), in two parts:
 * <ul>
 *   <li>success evidence with fading memory (discounted Beta posteriors): every outcome starts at weight 1 and loses
 *       a factor (1 − 2/size) with each newer outcome here and a factor e every {@code duration}/2 of age. The
 *       evidence then has the mean age of a sliding window of {@code size} outcomes and {@code duration} (half of
 *       either), so a busy provider follows a change as fast as with that window, but a starved one's past fades
 *       smoothly instead of vanishing all at once;</li>
 *   <li>latencies: the last {@code size} outcomes of at most {@code duration} ago, in a histogram, for the p95.</li>
 * </ul>
 * Reading costs a few operations however large the window is: a routing decision reads dozens of them.
 */
final class HealthWindow {

    /** Upper bounds (ms) of the latency buckets; the p95 is reported as the bound of the bucket it falls in. */
    static final int[] LATENCY_BOUNDS_MS = {10, 20, 30, 50, 75, 100, 150, 200, 250, 300, 400, 500, 600, 750, 1000, 1250,
            1500, 1750, 2000, 2500, 3000, 4000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000, Integer.MAX_VALUE};

    /** The discounted weight of the successes and failures here now. */
    record Evidence(double successes, double failures) {
        static final Evidence NONE = new Evidence(0, 0);

        double samples() {
            return successes + failures;
        }
    }

    private final long maxAgeMillis;
    private final double keptPerOutcome;
    private final double meanAgeMillis;
    private final long[] times;
    private final byte[] latencyBuckets;
    private final int[] bucketCounts = new int[LATENCY_BOUNDS_MS.length];
    private int oldest;
    private int size;
    private double successWeight;
    private double failureWeight;
    private long weighedAt;

    HealthWindow(int capacity, long maxAgeMillis) {
        this.maxAgeMillis = maxAgeMillis;
        this.keptPerOutcome = 1 - 2.0 / capacity;
        this.meanAgeMillis = maxAgeMillis / 2.0;
        this.times = new long[capacity];
        this.latencyBuckets = new byte[capacity];
    }

    synchronized void add(long nowMillis, boolean success, int latencyMs) {
        double kept = timeDecay(nowMillis) * keptPerOutcome;
        successWeight = successWeight * kept + (success ? 1 : 0);
        failureWeight = failureWeight * kept + (success ? 0 : 1);
        weighedAt = nowMillis;

        expire(nowMillis);
        if (size == times.length) {
            dropOldest();
        }
        int slot = (oldest + size) % times.length;
        times[slot] = nowMillis;
        latencyBuckets[slot] = (byte) bucket(latencyMs);
        bucketCounts[latencyBuckets[slot]]++;
        size++;
    }

    synchronized Evidence evidence(long nowMillis) {
        double kept = timeDecay(nowMillis);
        return new Evidence(successWeight * kept, failureWeight * kept);
    }

    private double timeDecay(long nowMillis) {
        return weighedAt == 0 ? 1 : Math.exp(-Math.max(0, nowMillis - weighedAt) / meanAgeMillis);
    }

    /** The 95th percentile latency (bucket bound) of the window, or null when it is empty. */
    synchronized Long latencyP95(long nowMillis) {
        expire(nowMillis);
        if (size == 0) {
            return null;
        }
        int rank = (int) Math.ceil(0.95 * size);
        int seen = 0;
        for (int b = 0; b < bucketCounts.length; b++) {
            seen += bucketCounts[b];
            if (seen >= rank) {
                return (long) LATENCY_BOUNDS_MS[b];
            }
        }
        throw new IllegalStateException("bucket counts out of step with the window");
    }

    /** Latencies older than the window's duration leave it, so a provider nobody sends to forgets its past. */
    private void expire(long nowMillis) {
        while (size > 0 && times[oldest] <= nowMillis - maxAgeMillis) {
            dropOldest();
        }
    }

    private void dropOldest() {
        bucketCounts[latencyBuckets[oldest]]--;
        oldest = (oldest + 1) % times.length;
        size--;
    }

    private static int bucket(int latencyMs) {
        int i = Arrays.binarySearch(LATENCY_BOUNDS_MS, latencyMs);
        return i >= 0 ? i : -i - 1;
    }
}
