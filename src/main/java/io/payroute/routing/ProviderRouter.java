package io.payroute.routing;

import java.util.List;
import java.util.Map;

import io.payroute.api.ProblemException;
import io.payroute.api.ProblemException.FieldError;
import io.payroute.charge.Attempt;
import io.payroute.charge.ChargeContext;
import io.payroute.charge.Outcome;
import io.payroute.observability.ChargeMetrics;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.stereotype.Component;

/**
 * The dynamic router of the charge flow (routes/charges.yaml). {@link #plan} ranks the providers once;
 * {@link #next} is then asked after every attempt where to go, and moves on to the next candidate only when
 * the last attempt was NOT_CHARGED. A decline is final and an UNKNOWN is never retried elsewhere.
 */
@Component("providerRouter")
public class ProviderRouter {

    /** Exchange property naming the provider of the current attempt (used by routes/providers.yaml). */
    public static final String PROVIDER = "provider";
    static final String ATTEMPT_ENDPOINT = "direct:provider-attempt";

    private final ProviderScorer scorer;
    private final ChargeMetrics metrics;

    public ProviderRouter(ProviderScorer scorer, ChargeMetrics metrics) {
        this.scorer = scorer;
        this.metrics = metrics;
    }

    public void plan(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge) {
        RoutingDecision decision = scorer.rank(charge.request());
        if (decision.candidates().isEmpty()) {
            List<FieldError> reasons = decision.excluded().stream()
                    .map(e -> new FieldError(fieldFor(e.reason()), e.provider() + ": " + e.reason()))
                    .toList();
            throw new ProblemException(422, "no_eligible_provider", "No eligible provider",
                    "No configured provider can take this charge", reasons);
        }
        charge.routing(decision);
    }

    public String next(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge, Exchange exchange) {
        RoutingDecision decision = charge.routing();
        List<Attempt> round = charge.roundAttempts();
        Attempt last = round.isEmpty() ? null : round.get(round.size() - 1);
        if (last != null) {
            if (last.result().outcome() != Outcome.NOT_CHARGED) {
                return null;
            }
            decision.failedOver(last.provider(), last.result().code());
            metrics.failover(last.provider(), last.result().code());
        }
        List<String> tried = round.stream().map(Attempt::provider).toList();
        for (RoutingDecision.Candidate candidate : decision.candidates()) {
            String provider = candidate.provider();
            if (tried.contains(provider) || skipped(decision, provider)) {
                continue;
            }
            if (scorer.isOpen(provider)) {
                decision.failedOver(provider, "circuit_open");
                metrics.failover(provider, "circuit_open");
                continue;
            }
            if (tried.isEmpty()) {
                metrics.routed(provider, decision.strategy());
            }
            decision.chose(provider);
            exchange.setProperty(PROVIDER, provider);
            return ATTEMPT_ENDPOINT;
        }
        return null;
    }

    private static boolean skipped(RoutingDecision decision, String provider) {
        return decision.failovers().stream().anyMatch(f -> f.from().equals(provider));
    }

    private static String fieldFor(String reason) {
        Map<String, String> fields = Map.of("currency", "currency", "token", "payment_method.tokens",
                "payment method", "payment_method.type", "amount", "amount");
        return fields.entrySet().stream().filter(e -> reason.contains(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse("payment_method");
    }
}
