package io.payroute.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.payroute.charge.ChargeRequest;
import io.payroute.provider.ProviderCatalog;
import org.springframework.stereotype.Component;

/**
 * Ranks the providers able to take a charge:
 * score = w_sr · success rate (rolling window, Beta prior) + w_lat · latency score + w_cost · cost score,
 * halved while the provider's circuit is half-open. Ties keep configuration order.
 */
@Component
public class ProviderScorer {

    public static final String STRATEGY = "smart";

    private final ProviderCatalog catalog;
    private final ProviderHealth health;
    private final CircuitBreakerRegistry breakers;
    private final RoutingProperties properties;

    public ProviderScorer(ProviderCatalog catalog, ProviderHealth health, CircuitBreakerRegistry breakers,
                          RoutingProperties properties) {
        this.catalog = catalog;
        this.health = health;
        this.breakers = breakers;
        this.properties = properties;
    }

    public RoutingDecision rank(ChargeRequest request) {
        List<RoutingDecision.Excluded> excluded = new ArrayList<>();
        List<String> eligible = new ArrayList<>();
        for (String name : catalog.names()) {
            Optional<String> reason = catalog.ineligibility(name, request);
            if (reason.isPresent()) {
                excluded.add(new RoutingDecision.Excluded(name, reason.get()));
            } else {
                eligible.add(name);
            }
        }
        Map<String, Long> fees = new LinkedHashMap<>();
        for (String name : eligible) {
            fees.put(name, catalog.fee(name, request.currency(), request.amount()));
        }
        long minFee = fees.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long maxFee = fees.values().stream().mapToLong(Long::longValue).max().orElse(0);

        RoutingProperties.Weights w = properties.getWeights();
        List<RoutingDecision.Candidate> candidates = new ArrayList<>();
        for (String name : eligible) {
            ProviderHealth.Snapshot s = health.snapshot(name);
            double successRate = (s.successes() + properties.getPriorSuccessRate() * properties.getPriorWeight())
                    / (s.samples() + properties.getPriorWeight());
            double latencyScore = s.latencyP95Ms() == null ? 1.0
                    : 1.0 - Math.min(1.0, (double) s.latencyP95Ms() / properties.getLatencyThreshold().toMillis());
            long fee = fees.get(name);
            double costScore = maxFee == minFee ? 1.0 : (double) (maxFee - fee) / (maxFee - minFee);
            CircuitBreaker.State state = breakers.circuitBreaker(name).getState();
            double score = w.getSuccessRate() * successRate + w.getLatency() * latencyScore + w.getCost() * costScore;
            if (state == CircuitBreaker.State.HALF_OPEN) {
                score /= 2;
            }
            candidates.add(new RoutingDecision.Candidate(name, round(score), round(successRate), s.samples(),
                    s.latencyP95Ms(), fee, state.name()));
        }
        // stable sort: equal scores keep configuration order
        candidates.sort(Comparator.comparingDouble(RoutingDecision.Candidate::score).reversed());
        Map<String, Double> weights = Map.of("success_rate", w.getSuccessRate(), "latency", w.getLatency(), "cost", w.getCost());
        return new RoutingDecision(STRATEGY, candidates, excluded, weights);
    }

    /** Whether the provider's breaker currently refuses calls (then it is skipped without an attempt). */
    public boolean isOpen(String provider) {
        CircuitBreaker.State state = breakers.circuitBreaker(provider).getState();
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
