package io.payroute.routing;

import java.util.Arrays;

/**
 * One sliding window of outcomes: at most {@code capacity} of them and none older than {@code maxAgeMillis}.
 * Counts and a latency histogram are kept up to date on every change, so reading the window costs a few
 * comparisons however large it is: a routing decision reads dozens of windows.
 */
final class HealthWindow {

    /** Upper bounds (ms) of the latency buckets; the p95 is reported as the bound of the bucket it falls in. */
    static final int[] LATENCY_BOUNDS_MS = {10, 20, 30, 50, 75, 100, 150, 200, 250, 300, 400, 500, 600, 750, 1000, 1250,
            1500, 1750, 2000, 2500, 3000, 4000, 5000, 7500, 10_000, 15_000, 20_000, 30_000, 60_000, Integer.MAX_VALUE};

    /** Samples and successes in the window now. */
    record Counts(int samples, int successes) {
        static final Counts NONE = new Counts(0, 0);
    }

    private final long maxAgeMillis;
    private final long[] times;
    private final boolean[] successes;
    private final byte[] latencyBuckets;
    private final int[] bucketCounts = new int[LATENCY_BOUNDS_MS.length];
    private int oldest;
    private int size;
    private int successCount;

    HealthWindow(int capacity, long maxAgeMillis) {
        this.maxAgeMillis = maxAgeMillis;
        this.times = new long[capacity];
        this.successes = new boolean[capacity];
        this.latencyBuckets = new byte[capacity];
    }

    synchronized void add(long nowMillis, boolean success, int latencyMs) {
        expire(nowMillis);
        if (size == times.length) {
            dropOldest();
        }
        int slot = (oldest + size) % times.length;
        times[slot] = nowMillis;
        successes[slot] = success;
        latencyBuckets[slot] = (byte) bucket(latencyMs);
        bucketCounts[latencyBuckets[slot]]++;
        successCount += success ? 1 : 0;
        size++;
    }

    synchronized Counts counts(long nowMillis) {
        expire(nowMillis);
        return size == 0 ? Counts.NONE : new Counts(size, successCount);
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

    /** Outcomes older than the window's duration leave it, so a provider nobody sends to forgets its past. */
    private void expire(long nowMillis) {
        while (size > 0 && times[oldest] <= nowMillis - maxAgeMillis) {
            dropOldest();
        }
    }

    private void dropOldest() {
        bucketCounts[latencyBuckets[oldest]]--;
        successCount -= successes[oldest] ? 1 : 0;
        oldest = (oldest + 1) % times.length;
        size--;
    }

    private static int bucket(int latencyMs) {
        int i = Arrays.binarySearch(LATENCY_BOUNDS_MS, latencyMs);
        return i >= 0 ? i : -i - 1;
    }
}
