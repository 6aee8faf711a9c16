package io.payroute.routing;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.payroute.charge.AttemptResult;
import io.payroute.charge.Outcome;
import org.springframework.stereotype.Component;

/**
 * Rolling per-provider window of recent outcomes and latencies, the input of the success-rate and latency
 * parts of the score. It is an optimisation hint, not a correctness guarantee, so it lives in memory.
 */
@Component
public class ProviderHealth {

    /** A summary of one provider's window. */
    public record Snapshot(int samples, int successes, Long latencyP95Ms) {
    }

    private final int windowSize;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    public ProviderHealth(RoutingProperties properties) {
        this.windowSize = properties.getWindowSize();
    }

    /**
     * Records one attempt. Declines that reflect the customer (insufficient funds, wrong PIN, ...) and requests
     * a provider rejected as invalid (a merchant's bad token) say nothing about the provider and are left out;
     * pending outcomes are not known yet.
     */
    public void record(String provider, AttemptResult result, int latencyMs) {
        Outcome outcome = result.outcome();
        if (outcome == Outcome.PENDING || "customer".equals(result.category()) || "validation".equals(result.category())) {
            return;
        }
        boolean success = outcome == Outcome.SUCCESS || outcome == Outcome.DECLINED;
        windows.computeIfAbsent(provider, p -> new Window(windowSize)).add(success, latencyMs);
    }

    /** Forgets all history: every provider is back to the prior (operators after an incident, tests). */
    public void reset() {
        windows.clear();
    }

    public Snapshot snapshot(String provider) {
        Window w = windows.get(provider);
        return w == null ? new Snapshot(0, 0, null) : w.snapshot();
    }

    private static final class Window {
        private final boolean[] outcomes;
        private final int[] latencies;
        private int next;
        private int size;

        Window(int capacity) {
            outcomes = new boolean[capacity];
            latencies = new int[capacity];
        }

        synchronized void add(boolean success, int latencyMs) {
            outcomes[next] = success;
            latencies[next] = latencyMs;
            next = (next + 1) % outcomes.length;
            size = Math.min(size + 1, outcomes.length);
        }

        synchronized Snapshot snapshot() {
            int successes = 0;
            for (int i = 0; i < size; i++) {
                if (outcomes[i]) {
                    successes++;
                }
            }
            Long p95 = null;
            if (size > 0) {
                int[] sorted = Arrays.copyOf(latencies, size);
                Arrays.sort(sorted);
                p95 = (long) sorted[(int) Math.ceil(0.95 * size) - 1];
            }
            return new Snapshot(size, successes, p95);
        }
    }
}
