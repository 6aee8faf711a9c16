package io.payroute.routing;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.payroute.charge.AttemptResult;
import io.payroute.charge.Outcome;
import org.springframework.stereotype.Component;

/**
 * Sliding windows of attempt outcomes per provider and dimension level (payroute.routing.levels), the input of
 * the success-rate and latency parts of the score. Every outcome goes into one window per level the charge has
 * values for, and into the provider's whole window. The windows are a routing hint, not a correctness
 * guarantee: they live in memory, and instances share outcomes through the broker ({@link RoutingOutcomes}).
 */
@Component
public class ProviderHealth {

    /** The key of the provider's window over all its traffic: the last resort of every estimate. */
    public static final String ALL = "all";

    /**
     * The success rate a provider is scored with: the mean of a Beta posterior (alpha successes, beta failures,
     * prior included), taken at {@code dimension}, the most specific level with enough samples.
     */
    public record Estimate(double successRate, double alpha, double beta, int samples, String dimension) {
    }

    private final Clock clock;
    private final int[][] levels;
    private final int capacity;
    private final long maxAgeMillis;
    private final int minSamples;
    private final double priorRate;
    private final double priorWeight;
    private final Map<String, Map<String, HealthWindow>> windows = new ConcurrentHashMap<>();

    public ProviderHealth(RoutingProperties properties, Clock clock) {
        this.clock = clock;
        this.levels = properties.getLevels().stream().map(ProviderHealth::indices).toArray(int[][]::new);
        this.capacity = properties.getWindow().getSize();
        this.maxAgeMillis = properties.getWindow().getDuration().toMillis();
        this.minSamples = properties.getWindow().getMinSamples();
        this.priorRate = properties.getPriorSuccessRate();
        this.priorWeight = properties.getPriorWeight();
    }

    private static int[] indices(List<String> level) {
        return level.stream().mapToInt(name -> {
            int i = Dimensions.NAMES.indexOf(name);
            if (i < 0) {
                throw new IllegalStateException("payroute.routing.levels: unknown dimension " + name + " (known: " + Dimensions.NAMES + ")");
            }
            return i;
        }).toArray();
    }

    /**
     * Whether an attempt speaks for or against its provider, or null when it says nothing about it: a pending
     * outcome is not known yet; a customer's decline (insufficient funds, wrong PIN) or a request the provider
     * rejected as invalid (a merchant's bad token) would have failed anywhere. Issuer, fraud and provider
     * declines, provider errors and unknown outcomes count against it.
     */
    public static Boolean verdict(AttemptResult result) {
        if (result.outcome() == Outcome.PENDING || "customer".equals(result.category())
                || "validation".equals(result.category())) {
            return null;
        }
        return result.outcome() == Outcome.SUCCESS;
    }

    /** The window keys of a charge, most specific level first (null where a dimension is unknown), {@link #ALL} last. */
    public String[] keys(Dimensions dimensions) {
        String[] keys = new String[levels.length + 1];
        for (int l = 0; l < levels.length; l++) {
            keys[l] = key(levels[l], dimensions);
        }
        keys[levels.length] = ALL;
        return keys;
    }

    private static String key(int[] level, Dimensions dimensions) {
        StringBuilder key = new StringBuilder();
        for (int i : level) {
            String value = dimensions.value(i);
            if (value == null) {
                return null;
            }
            key.append(key.isEmpty() ? "" : ",").append(Dimensions.NAMES.get(i)).append('=').append(value);
        }
        return key.toString();
    }

    public void record(String provider, Dimensions dimensions, boolean success, int latencyMs) {
        long now = now();
        Map<String, HealthWindow> byKey = windows.computeIfAbsent(provider, p -> new ConcurrentHashMap<>());
        for (String key : keys(dimensions)) {
            if (key != null) {
                byKey.computeIfAbsent(key, k -> new HealthWindow(capacity, maxAgeMillis)).add(now, success, latencyMs);
            }
        }
    }

    /**
     * The provider's success rate for a charge with these window keys. Starting from the prior, each level from
     * the provider's whole window to the most specific one with at least min-samples outcomes refines the rate
     * of the level before it, which counts as prior-weight samples: a thin window falls back to the coarser
     * levels, and a window that just became thick does not jump away from them.
     */
    public Estimate estimate(String provider, String[] keys) {
        Map<String, HealthWindow> byKey = windows.getOrDefault(provider, Map.of());
        long now = now();
        double rate = priorRate;
        Estimate estimate = null;
        for (int l = keys.length - 1; l >= 0; l--) {
            HealthWindow window = keys[l] == null ? null : byKey.get(keys[l]);
            HealthWindow.Counts c = window == null ? HealthWindow.Counts.NONE : window.counts(now);
            if (estimate != null && c.samples() < minSamples) {
                continue;
            }
            double alpha = c.successes() + priorWeight * rate;
            double beta = c.samples() - c.successes() + priorWeight * (1 - rate);
            rate = alpha / (alpha + beta);
            estimate = new Estimate(rate, alpha, beta, c.samples(), keys[l]);
        }
        return estimate;
    }

    /** The p95 latency of the provider's whole window, or null without history. */
    public Long latencyP95(String provider) {
        HealthWindow all = windows.getOrDefault(provider, Map.of()).get(ALL);
        return all == null ? null : all.latencyP95(now());
    }

    /** Epoch millis: not Clock.millis(), which a microsecond tick clock divides by zero on JDK 17. */
    private long now() {
        return clock.instant().toEpochMilli();
    }

    /** Forgets all history: every provider is back to the prior (operators after an incident, tests). */
    public void reset() {
        windows.clear();
    }
}
