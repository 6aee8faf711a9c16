package io.payroute.observability;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.payroute.charge.AttemptResult;
import io.payroute.charge.ChargeStatus;
import org.springframework.stereotype.Component;

/**
 * PayRoute's business metrics, exported at /actuator/prometheus next to Camel's route metrics and the
 * resilience4j circuit breaker metrics (bound here). Names and tags are listed in docs/observability.md.
 */
@Component
public class ChargeMetrics {

    private final MeterRegistry registry;

    public ChargeMetrics(MeterRegistry registry, CircuitBreakerRegistry breakers) {
        this.registry = registry;
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(registry);
    }

    /** A provider webhook: refused (signature), or what applying it did (applied, duplicate, unmatched, ...). */
    public void providerWebhook(String provider, String result) {
        Counter.builder("payroute.provider.webhooks")
                .description("Provider webhooks received, by what became of them")
                .tag("provider", provider)
                .tag("result", result)
                .register(registry).increment();
    }

    /** One attempt to deliver an event to a merchant endpoint: its outcome and how long the endpoint took. */
    public void webhookDelivery(String outcome, int latencyMs) {
        Timer.builder("payroute.webhook.deliveries")
                .description("Merchant webhook delivery attempts by outcome (succeeded, failed, timeout, ...)")
                .tag("outcome", outcome)
                .register(registry).record(Duration.ofMillis(latencyMs));
    }

    /** A charge answered by the synchronous flow or settled later, by the status it reached. */
    public void charge(String provider, ChargeStatus status, String method, String currency) {
        Counter.builder("payroute.charges")
                .description("Charges by the status they reached")
                .tag("provider", provider == null ? "none" : provider)
                .tag("status", status.wire())
                .tag("method", method)
                .tag("currency", currency)
                .register(registry).increment();
    }

    /** One provider call: its duration and what it proved. */
    public void providerCall(String provider, AttemptResult result, int latencyMs) {
        Timer.builder("payroute.provider.calls")
                .description("Provider calls by outcome, with their latency")
                .tag("provider", provider)
                .tag("outcome", result.outcome().name())
                .tag("code", result.code() == null ? "none" : result.code())
                .publishPercentileHistogram()
                .register(registry).record(Duration.ofMillis(latencyMs));
    }

    /** Which provider the router tried first, by strategy, and whether it was there to explore. */
    public void routed(String provider, String strategy, boolean exploration) {
        Counter.builder("payroute.routing.picks")
                .description("First choices of the router")
                .tag("provider", provider)
                .tag("strategy", strategy)
                .tag("exploration", String.valueOf(exploration))
                .register(registry).increment();
    }

    /** A changed routing rules file: loaded, or rejected (the previous rules stay in force). */
    public void rulesReload(String result) {
        Counter.builder("payroute.routing.rules.reloads")
                .description("Routing rules file changes, by whether they were loaded or rejected")
                .tag("result", result)
                .register(registry).increment();
    }

    /** Attempt outcomes shared between instances for routing health: published, received, or dropped. */
    public void sharedOutcomes(String direction, int count) {
        Counter.builder("payroute.routing.shared.outcomes")
                .description("Attempt outcomes shared with other instances through the broker")
                .tag("direction", direction)
                .register(registry).increment(count);
    }

    public void failover(String from, String reason) {
        Counter.builder("payroute.routing.failovers")
                .description("Failovers away from a provider, by reason")
                .tag("provider", from)
                .tag("reason", reason == null ? "unknown" : reason)
                .register(registry).increment();
    }

    /** An asynchronous charge no provider could take now, given round {@code round + 1} later. */
    public void retryScheduled(int round) {
        Counter.builder("payroute.charge.retries")
                .description("Rounds scheduled later for asynchronous charges no provider could take")
                .tag("round", String.valueOf(round + 1))
                .register(registry).increment();
    }

    /** A message parked on the dead-letter queue, by why (invalid_request, retries_exhausted, ...). */
    public void deadLettered(String code) {
        Counter.builder("payroute.dead_letters")
                .description("Messages sent to the dead-letter queue, by reason code")
                .tag("code", code)
                .register(registry).increment();
    }

    /** One status query of reconciliation and what came of it. */
    public void reconciled(String provider, String result) {
        Counter.builder("payroute.reconciliation.checks")
                .description("Reconciliation status queries by result")
                .tag("provider", provider)
                .tag("result", result)
                .register(registry).increment();
    }
}
