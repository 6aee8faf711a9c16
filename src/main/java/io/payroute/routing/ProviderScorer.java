package io.payroute.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.payroute.charge.ChargeRequest;
import io.payroute.provider.InFlightCalls;
import io.payroute.provider.ProviderCatalog;
import org.springframework.stereotype.Component;

/**
 * Scores the providers able to take a charge by the merchant's expected net value of sending it there, in minor
 * units of the charge's currency (docs/routing.md#score):
 * score = success rate · circuit factor · (value − fee) − latency penalty, where value is success-value-percent of
 * the amount (payroute.routing's, or the merchant's own objective in the rules file), the success rate is the
 * provider's posterior mean at the charge's most specific well-sampled dimension level, the circuit factor is 1 closed, 0.5 half-open, 0 open (and halved again while the provider is
 * stalled: a call of this instance's still waiting beyond stalled-after), and the latency penalty is
 * latency-cost-percent-per-second of the value for each second of p95 latency beyond latency-threshold.
 * A success rate and a fee thus weigh what they are worth in money: three points of success rate on a charge
 * outweigh a fee 1.5 % of its amount higher, and between providers as likely to succeed the cheaper one wins.
 */
@Component
public class ProviderScorer {

    /** A candidate's explained score, with the posterior Thompson sampling draws its success rate from. */
    record Scored(RoutingDecision.Candidate candidate, ProviderHealth.Estimate estimate, double circuitFactor,
                  double availability, double valueIfSucceeded, double latencyPenalty) {

        String provider() {
            return candidate.provider();
        }

        /** The score with the success rate drawn from the provider's Beta posterior instead of its mean. */
        double sampledScore(RandomGenerator random) {
            double successRate = BetaSampler.sample(random, estimate.alpha(), estimate.beta());
            return successRate * availability * valueIfSucceeded - latencyPenalty;
        }
    }

    private final ProviderCatalog catalog;
    private final ProviderHealth health;
    private final CircuitBreakerRegistry breakers;
    private final InFlightCalls inFlight;
    private final long stalledAfterMs;
    private final RoutingDecision.Objective objective;

    public ProviderScorer(ProviderCatalog catalog, ProviderHealth health, CircuitBreakerRegistry breakers,
                          InFlightCalls inFlight, RoutingProperties properties) {
        if (properties.getSuccessValuePercent() <= 0 || properties.getLatencyCostPercentPerSecond() < 0) {
            throw new IllegalStateException("payroute.routing.success-value-percent must be above 0 and"
                    + " latency-cost-percent-per-second at least 0");
        }
        this.catalog = catalog;
        this.health = health;
        this.breakers = breakers;
        this.inFlight = inFlight;
        this.stalledAfterMs = properties.getStalledAfter().toMillis();
        this.objective = new RoutingDecision.Objective(properties.getSuccessValuePercent(),
                properties.getLatencyThreshold().toMillis(), properties.getLatencyCostPercentPerSecond());
    }

    /** The objective a merchant's charges are scored by: its own parts (rules file), the configured ones for the rest. */
    RoutingDecision.Objective objective(RuleSet.ObjectiveOverride merchant) {
        if (merchant == null) {
            return objective;
        }
        return new RoutingDecision.Objective(
                merchant.successValuePercent() != null ? merchant.successValuePercent() : objective.successValuePercent(),
                merchant.latencyThresholdMs() != null ? merchant.latencyThresholdMs() : objective.latencyThresholdMs(),
                merchant.latencyCostPercentPerSecond() != null ? merchant.latencyCostPercentPerSecond()
                        : objective.latencyCostPercentPerSecond());
    }

    /** The eligible providers' scores by {@code objective}, in the order given; {@code keys} are the charge's window keys. */
    List<Scored> score(List<String> eligible, ChargeRequest request, String[] keys, RoutingDecision.Objective objective) {
        double value = request.amount() * objective.successValuePercent() / 100;
        long latencyThresholdMs = objective.latencyThresholdMs();
        double latencyCostSharePerMs = objective.latencyCostPercentPerSecond() / 100 / 1000;
        List<Scored> scored = new ArrayList<>(eligible.size());
        ProviderHealth.Prior prior = health.pooledPrior();
        for (String name : eligible) {
            long fee = catalog.fee(name, request.currency(), request.paymentMethod().type(), request.amount());
            ProviderHealth.Estimate estimate = health.estimate(name, keys, prior);
            Long p95 = health.latencyP95(name);
            double latencyPenalty = p95 == null ? 0 : value * latencyCostSharePerMs * Math.max(0, p95 - latencyThresholdMs);
            CircuitBreaker.State state = breakers.circuitBreaker(name).getState();
            // a half-open breaker lets only trial calls through: as likely to refuse the charge as to take it
            double circuitFactor = switch (state) {
                case OPEN, FORCED_OPEN -> 0.0;
                case HALF_OPEN -> 0.5;
                default -> 1.0;
            };
            boolean stalled = isStalled(name, p95);
            // a stalled provider, like a half-open breaker, is as likely to leave the charge unanswered as to take it
            double availability = circuitFactor * (stalled ? 0.5 : 1.0);
            double expectedValue = estimate.successRate() * availability * (value - fee);
            RoutingDecision.Candidate candidate = new RoutingDecision.Candidate(name,
                    Math.round(expectedValue - latencyPenalty), round(estimate.successRate()), (int) Math.round(estimate.samples()),
                    estimate.dimension(), fee, Math.round(expectedValue), p95, Math.round(latencyPenalty), state.name(), stalled);
            scored.add(new Scored(candidate, estimate, circuitFactor, availability, value - fee, latencyPenalty));
        }
        return scored;
    }

    /**
     * Whether a call to the provider has been waiting on this instance for longer than stalled-after and twice the
     * provider's p95 latency: it has stopped answering, which its breaker learns only as calls time out.
     */
    private boolean isStalled(String provider, Long p95) {
        long oldest = inFlight.oldestMillis(provider);
        return oldest > stalledAfterMs && (p95 == null || oldest > 2 * p95);
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
