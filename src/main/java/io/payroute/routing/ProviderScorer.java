package io.payroute.routing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.payroute.charge.ChargeRequest;
import io.payroute.provider.ProviderCatalog;
import org.springframework.stereotype.Component;

/**
 * Scores the providers able to take a charge (docs/routing.md#score):
 * score = (w_sr · success rate + w_lat · latency score + w_cost · cost score) · circuit factor, where the success
 * rate is the provider's at the charge's most specific well-sampled dimension level, the latency score is 1 up to
 * the threshold and falls to 0 at latency-worst, the cost score falls from 1 (cheapest eligible fee) to 0 at
 * cost-span-percent of the amount above it, and the circuit factor is 1 closed, 0.5 half-open, 0 open.
 */
@Component
public class ProviderScorer {

    /** A candidate's explained score, with the posterior Thompson sampling draws its success rate from. */
    record Scored(RoutingDecision.Candidate candidate, ProviderHealth.Estimate estimate, double otherParts, double circuitFactor) {

        String provider() {
            return candidate.provider();
        }

        /** The score with the success rate drawn from the provider's Beta posterior instead of its mean. */
        double sampledScore(RandomGenerator random, double successRateWeight) {
            double rate = BetaSampler.sample(random, estimate.alpha(), estimate.beta());
            return (successRateWeight * rate + otherParts) * circuitFactor;
        }
    }

    private final ProviderCatalog catalog;
    private final ProviderHealth health;
    private final CircuitBreakerRegistry breakers;
    private final RoutingProperties.Weights weights;
    private final Map<String, Double> weightsExplained;
    private final long latencyThresholdMs;
    private final long latencyWorstMs;
    private final double costSpan;

    public ProviderScorer(ProviderCatalog catalog, ProviderHealth health, CircuitBreakerRegistry breakers,
                          RoutingProperties properties) {
        this.catalog = catalog;
        this.health = health;
        this.breakers = breakers;
        this.weights = properties.getWeights();
        this.weightsExplained = Map.of("success_rate", weights.getSuccessRate(), "latency", weights.getLatency(),
                "cost", weights.getCost());
        this.latencyThresholdMs = properties.getLatencyThreshold().toMillis();
        this.latencyWorstMs = properties.getLatencyWorst().toMillis();
        if (latencyWorstMs <= latencyThresholdMs) {
            throw new IllegalStateException("payroute.routing.latency-worst must be above latency-threshold");
        }
        this.costSpan = properties.getCostSpanPercent().divide(BigDecimal.valueOf(100)).doubleValue();
    }

    Map<String, Double> weights() {
        return weightsExplained;
    }

    /** The eligible providers' scores, in the order given; {@code keys} are the charge's window keys. */
    List<Scored> score(List<String> eligible, ChargeRequest request, String[] keys) {
        long[] fees = new long[eligible.size()];
        long cheapest = Long.MAX_VALUE;
        for (int i = 0; i < fees.length; i++) {
            fees[i] = catalog.fee(eligible.get(i), request.currency(), request.paymentMethod().type(), request.amount());
            cheapest = Math.min(cheapest, fees[i]);
        }
        List<Scored> scored = new ArrayList<>(eligible.size());
        for (int i = 0; i < fees.length; i++) {
            String name = eligible.get(i);
            ProviderHealth.Estimate estimate = health.estimate(name, keys);
            Long p95 = health.latencyP95(name);
            double latencyScore = p95 == null || p95 <= latencyThresholdMs ? 1.0
                    : 1.0 - Math.min(1.0, (double) (p95 - latencyThresholdMs) / (latencyWorstMs - latencyThresholdMs));
            double span = request.amount() * costSpan;
            double costScore = span <= 0 ? 1.0 : 1.0 - Math.min(1.0, (fees[i] - cheapest) / span);
            CircuitBreaker.State state = breakers.circuitBreaker(name).getState();
            double circuitFactor = switch (state) {
                case OPEN, FORCED_OPEN -> 0.0;
                case HALF_OPEN -> 0.5;
                default -> 1.0;
            };
            double otherParts = weights.getLatency() * latencyScore + weights.getCost() * costScore;
            double score = (weights.getSuccessRate() * estimate.successRate() + otherParts) * circuitFactor;
            RoutingDecision.Candidate candidate = new RoutingDecision.Candidate(name, round(score),
                    round(estimate.successRate()), estimate.samples(), estimate.dimension(), p95, round(latencyScore),
                    fees[i], round(costScore), state.name());
            scored.add(new Scored(candidate, estimate, otherParts, circuitFactor));
        }
        return scored;
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
