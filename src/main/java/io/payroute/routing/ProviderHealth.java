package io.payroute.routing;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
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
    private static final long WEIGHTS_REFRESH_MILLIS = 1_000;

    /**
     * The success rate a provider is scored with: the mean of a Beta posterior (alpha successes, beta failures,
     * prior included) at the charge's most specific level; {@code samples} is the discounted evidence of
     * {@code dimension}, the most specific level with at least min-samples of it.
     */
    public record Estimate(double successRate, double alpha, double beta, double samples, String dimension) {
    }

    private final Clock clock;
    private final int[][] levels;
    private final int capacity;
    private final long maxAgeMillis;
    private final int minSamples;
    private final double priorRate;
    private final double priorWeight;
    private final int maxWeight;
    private final Map<String, ProviderWindows> windows = new ConcurrentHashMap<>();

    /**
     * One provider's windows, per level (index as in {@link #keys}; the last is {@link #ALL}), and the shrinkage
     * weight of each level, estimated from the spread of the provider's rates between that level's windows.
     */
    private final class ProviderWindows {
        final List<Map<String, HealthWindow>> byLevel = new ArrayList<>();
        volatile double[] weights;
        volatile long weighedAt = Long.MIN_VALUE;

        ProviderWindows() {
            for (int l = 0; l <= levels.length; l++) {
                byLevel.add(new ConcurrentHashMap<>());
            }
        }

        HealthWindow window(int level, String key) {
            return byLevel.get(level).get(key);
        }

        /** Refreshed at most once a second: a scan of all the provider's windows, kept off the per-charge cost. */
        double[] weights(long now) {
            if (now - weighedAt >= WEIGHTS_REFRESH_MILLIS || weights == null) {
                double[] w = new double[levels.length];
                for (int l = 0; l < levels.length; l++) {
                    w[l] = shrinkageWeight(byLevel.get(l).values(), now);
                }
                weights = w;
                weighedAt = now;
            }
            return weights;
        }
    }

    public ProviderHealth(RoutingProperties properties, Clock clock) {
        this.clock = clock;
        this.levels = properties.getLevels().stream().map(ProviderHealth::indices).toArray(int[][]::new);
        this.capacity = properties.getWindow().getSize();
        this.maxAgeMillis = properties.getWindow().getDuration().toMillis();
        this.minSamples = properties.getWindow().getMinSamples();
        this.priorRate = properties.getPriorSuccessRate();
        this.priorWeight = properties.getPriorWeight();
        this.maxWeight = properties.getWindow().getSize();
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
        return verdict(result.outcome(), result.category());
    }

    static Boolean verdict(Outcome outcome, String category) {
        if (outcome == Outcome.PENDING || "customer".equals(category) || "validation".equals(category)) {
            return null;
        }
        return outcome == Outcome.SUCCESS;
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
        record(provider, dimensions, success, latencyMs, now());
    }

    /** An outcome of the past (warm start); outcomes must come oldest first, and before any of the present. */
    void record(String provider, Dimensions dimensions, boolean success, int latencyMs, long atMillis) {
        ProviderWindows provided = windows.computeIfAbsent(provider, p -> new ProviderWindows());
        String[] keys = keys(dimensions);
        for (int l = 0; l < keys.length; l++) {
            if (keys[l] != null) {
                provided.byLevel.get(l).computeIfAbsent(keys[l], k -> new HealthWindow(capacity, maxAgeMillis))
                        .add(atMillis, success, latencyMs);
            }
        }
    }

    /**
     * What a provider without history of its own is assumed to achieve: the success rate of every provider
     * together over their whole windows (with the configured prior), worth as many samples as the spread between
     * the providers' rates says ({@link #shrinkageWeight}). Shrinkage toward the others: a provider that was starved
     * of traffic is judged as an average one, not as a pessimistic constant, and one unlucky outcome does not sink a
     * provider the others show to be as good.
     */
    public Prior pooledPrior() {
        long now = now();
        double successes = priorWeight * priorRate;
        double samples = priorWeight;
        List<HealthWindow> all = new ArrayList<>(windows.size());
        for (ProviderWindows provided : windows.values()) {
            HealthWindow window = provided.window(levels.length, ALL);
            if (window != null) {
                HealthWindow.Evidence e = window.evidence(now);
                successes += e.successes();
                samples += e.samples();
                all.add(window);
            }
        }
        return new Prior(successes / samples, shrinkageWeight(all, now));
    }

    /** The rate a provider is assumed to have before its own outcomes, and how many samples that is worth. */
    public record Prior(double rate, double weight) {
    }

    /** {@link #estimate(String, String[], Prior)} from the {@link #pooledPrior()}. */
    public Estimate estimate(String provider, String[] keys) {
        return estimate(provider, keys, pooledPrior());
    }

    /**
     * The provider's success rate over its whole window, whatever the charge: the admin API's overview. The keys
     * name no level but the whole window; an estimate's keys always have one slot per level.
     */
    public Estimate overall(String provider) {
        String[] keys = new String[levels.length + 1];
        keys[levels.length] = ALL;
        return estimate(provider, keys);
    }

    /**
     * The provider's success rate for a charge with these window keys, by hierarchical shrinkage: starting from
     * the {@code prior} (the others' pooled rate), each level from the provider's whole window to the most specific
     * one is a Beta posterior whose prior is the level before it, worth that level's {@link #shrinkageWeight} in
     * samples. A level with little evidence stays close to the coarser ones, a well-sampled one that differs speaks
     * for itself. The last posterior is the estimate (and what Thompson sampling draws from); the level named is the
     * most specific one with at least min-samples of discounted evidence.
     */
    public Estimate estimate(String provider, String[] keys, Prior prior) {
        ProviderWindows provided = windows.get(provider);
        long now = now();
        double[] weights = provided == null ? null : provided.weights(now);
        double rate = prior.rate();
        double alpha = prior.weight() * rate;
        double beta = prior.weight() * (1 - rate);
        double samples = 0;
        String dimension = ALL;
        for (int l = keys.length - 1; l >= 0; l--) {
            HealthWindow window = keys[l] == null || provided == null ? null : provided.window(l, keys[l]);
            HealthWindow.Evidence e = window == null ? HealthWindow.Evidence.NONE : window.evidence(now);
            double weight = l == levels.length ? prior.weight() : weights == null ? priorWeight : weights[l];
            alpha = e.successes() + weight * rate;
            beta = e.failures() + weight * (1 - rate);
            rate = alpha / (alpha + beta);
            if (e.samples() >= minSamples || l == keys.length - 1) {
                samples = e.samples();
                dimension = keys[l];
            }
        }
        return new Estimate(rate, alpha, beta, samples, dimension);
    }

    /**
     * Empirical Bayes: how many samples the coarser rate is worth as the prior of one window of a level, from how
     * much the provider's rates differ between that level's windows (a method-of-moments estimate of the
     * between-window variance τ², the observed spread less what sampling noise alone explains; the prior is the
     * Beta of that variance, worth p(1 − p)/τ² − 1 samples). Where the provider does as well on every bank or
     * network, a window is pulled hard toward the provider's overall rate and a few outcomes do not move it;
     * where one differs (an outage on one bank), the spread is large and each window speaks for itself. Bounded by
     * prior-weight below and window.size above; prior-weight while there are not two windows to compare.
     */
    private double shrinkageWeight(Iterable<HealthWindow> level, long now) {
        int windowsSeen = 0;
        double n = 0;
        double nSquared = 0;
        double successes = 0;
        double[] rates = new double[8];
        double[] sizes = new double[8];
        for (HealthWindow window : level) {
            HealthWindow.Evidence e = window.evidence(now);
            if (e.samples() < 1) {
                continue;
            }
            if (windowsSeen == rates.length) {
                rates = Arrays.copyOf(rates, windowsSeen * 2);
                sizes = Arrays.copyOf(sizes, windowsSeen * 2);
            }
            rates[windowsSeen] = e.successes() / e.samples();
            sizes[windowsSeen] = e.samples();
            windowsSeen++;
            n += e.samples();
            nSquared += e.samples() * e.samples();
            successes += e.successes();
        }
        if (windowsSeen < 2) {
            return priorWeight;
        }
        double mean = successes / n;
        double spread = 0;
        for (int j = 0; j < windowsSeen; j++) {
            spread += sizes[j] * (rates[j] - mean) * (rates[j] - mean);
        }
        double noise = (windowsSeen - 1) * mean * (1 - mean);
        double between = Math.max(0, (spread - noise) / (n - nSquared / n));
        double weight = between == 0 ? maxWeight : mean * (1 - mean) / between - 1;
        return Math.max(priorWeight, Math.min(maxWeight, weight));
    }

    /** The p95 latency of the provider's whole window, or null without history. */
    public Long latencyP95(String provider) {
        ProviderWindows provided = windows.get(provider);
        HealthWindow all = provided == null ? null : provided.window(levels.length, ALL);
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
