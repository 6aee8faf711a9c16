package io.payroute.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import io.payroute.api.ProblemException;
import io.payroute.api.ProblemException.FieldError;
import io.payroute.charge.Attempt;
import io.payroute.charge.ChargeContext;
import io.payroute.charge.ChargeRequest;
import io.payroute.charge.Outcome;
import io.payroute.charge.PaymentMethod;
import io.payroute.observability.ChargeMetrics;
import io.payroute.provider.ProviderCatalog;
import io.payroute.routing.ProviderScorer.Scored;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The router of the charge flow (routes/charges.yaml). {@link #plan} decides once per round: eligibility, the
 * first matching rule (providers allowed or denied, a policy of its own) or the merchant's policy, the scores,
 * the order of the strategy and, for smart, exploration. {@link #next} is then the dynamic router, asked after
 * every attempt where to go: it moves on only when the last attempt was NOT_CHARGED, since a decline is final and
 * an UNKNOWN is never retried elsewhere.
 */
@Component("providerRouter")
public class ProviderRouter {

    /** Exchange property naming the provider of the current attempt (used by routes/providers.yaml). */
    public static final String PROVIDER = "provider";
    static final String ATTEMPT_ENDPOINT = "direct:provider-attempt";

    private final ProviderCatalog catalog;
    private final ProviderScorer scorer;
    private final ProviderHealth health;
    private final RoutingRules rules;
    private final ChargeMetrics metrics;
    private final AmountBands bands;
    private final double explorationShare;
    private final RandomGenerator random;
    private final Rotation rotation = new Rotation();

    @Autowired
    public ProviderRouter(ProviderCatalog catalog, ProviderScorer scorer, ProviderHealth health, RoutingRules rules,
                          ChargeMetrics metrics, RoutingProperties properties) {
        // ThreadLocalRandom: no contention between the threads routing charges
        this(catalog, scorer, health, rules, metrics, properties, () -> ThreadLocalRandom.current().nextLong());
    }

    /** With a given random source: the simulation replays a seeded run. */
    public ProviderRouter(ProviderCatalog catalog, ProviderScorer scorer, ProviderHealth health, RoutingRules rules,
                          ChargeMetrics metrics, RoutingProperties properties, RandomGenerator random) {
        this.catalog = catalog;
        this.scorer = scorer;
        this.health = health;
        this.rules = rules;
        this.metrics = metrics;
        this.bands = new AmountBands(properties.getAmountBands());
        this.explorationShare = properties.getExplorationShare();
        this.random = random;
    }

    public void plan(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge) {
        RoutingDecision decision = decide(charge.request());
        if (decision.candidates().isEmpty()) {
            List<FieldError> reasons = decision.excluded().stream()
                    .map(e -> new FieldError(fieldFor(e.reason()), e.provider() + ": " + e.reason()))
                    .toList();
            throw new ProblemException(422, "no_eligible_provider", "No eligible provider",
                    "No configured provider can take this charge", reasons);
        }
        charge.routing(decision);
    }

    /** Where a charge goes and why: the candidates in the order they will be tried, each with its score. */
    public RoutingDecision decide(ChargeRequest request) {
        RuleSet ruleSet = rules.current();
        Dimensions dimensions = dimensions(request, ruleSet);
        RuleSet.Rule rule = ruleSet.match(request, dimensions);
        List<RoutingDecision.Excluded> excluded = new ArrayList<>();
        List<String> eligible = new ArrayList<>();
        for (String name : catalog.names()) {
            Optional<String> reason = catalog.ineligibility(name, request).or(() -> excludedByRule(rule, name));
            if (reason.isPresent()) {
                excluded.add(new RoutingDecision.Excluded(name, reason.get()));
            } else {
                eligible.add(name);
            }
        }
        boolean ruleDecides = rule != null && rule.policy() != null;
        RuleSet.Policy merchantPolicy = ruleSet.policyFor(request.merchantId());
        RuleSet.Policy policy = ruleDecides ? rule.policy() : merchantPolicy;
        String scope = ruleDecides ? "rule:" + rule.name() : "merchant:" + request.merchantId();
        // the objective is the merchant's, whichever rule applies: it is what a success is worth to that merchant
        RoutingDecision.Objective objective = scorer.objective(merchantPolicy.objective());
        List<Scored> ordered = order(policy, scorer.score(eligible, request, health.keys(dimensions), objective), scope);
        boolean explored = policy.strategy() == Strategy.SMART && explore(ordered);
        return new RoutingDecision(policy.strategy().wire(), rule == null ? null : rule.name(), ruleSet.version(),
                dimensions, objective, explored, ordered.stream().map(Scored::candidate).toList(), excluded);
    }

    private Dimensions dimensions(ChargeRequest request, RuleSet ruleSet) {
        String network = null;
        String bank = null;
        if (request.paymentMethod() instanceof PaymentMethod.Card card) {
            network = "unknown".equals(card.brand()) ? null : card.brand();
            bank = ruleSet.banks().find(card.bin());
        }
        return new Dimensions(request.paymentMethod().type(), request.currency(), network, bank,
                bands.band(request.currency(), request.amount()));
    }

    private static Optional<String> excludedByRule(RuleSet.Rule rule, String provider) {
        if (rule == null) {
            return Optional.empty();
        }
        if (rule.deny() != null && rule.deny().contains(provider)) {
            return Optional.of("denied by rule " + rule.name());
        }
        if (rule.allow() != null && !rule.allow().contains(provider)) {
            return Optional.of("not allowed by rule " + rule.name());
        }
        return Optional.empty();
    }

    /**
     * The candidates in the strategy's order (a stable sort: ties keep configuration order), stalled providers
     * after the others.
     */
    private List<Scored> order(RuleSet.Policy policy, List<Scored> scored, String scope) {
        List<Scored> ordered = new ArrayList<>(scored);
        switch (policy.strategy()) {
            case SMART -> ordered.sort(Comparator.comparingLong((Scored s) -> s.candidate().score()).reversed());
            case PRIORITY -> ordered.sort(Comparator.comparingInt(s -> {
                int rank = policy.priority().indexOf(s.provider());
                return rank < 0 ? Integer.MAX_VALUE : rank;
            }));
            case WEIGHTED -> rotate(ordered, policy.split(), scope);
            case ROUND_ROBIN -> rotate(ordered, Map.of(), scope);
            case CHEAPEST -> ordered.sort(Comparator.comparingLong(s -> s.candidate().fee()));
            case FASTEST -> ordered.sort(Comparator.comparingLong(s ->
                    s.candidate().latencyP95Ms() == null ? Long.MAX_VALUE : s.candidate().latencyP95Ms()));
        }
        if (policy.strategy() != Strategy.SMART) {
            // a strategy orders the providers that answer; one that has stopped answering goes last (its order among
            // the stalled kept), as smart's score puts it down, instead of taking charges until its breaker opens
            ordered.sort(Comparator.comparing((Scored s) -> s.candidate().stalled()));
        }
        return ordered;
    }

    /**
     * Puts the rotation's next provider first and the others after it by weight. A split names its providers'
     * weights; without one (round robin) every eligible provider weighs 1. Providers outside a split are only
     * fallbacks.
     */
    private void rotate(List<Scored> ordered, Map<String, Integer> split, String scope) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        for (Scored s : ordered) {
            int weight = split.isEmpty() ? 1 : split.getOrDefault(s.provider(), 0);
            if (weight > 0) {
                weights.put(s.provider(), weight);
            }
        }
        String first = rotation.next(scope, weights);
        ordered.sort(Comparator.comparingInt((Scored s) -> s.provider().equals(first) ? 0 : 1)
                .thenComparingInt(s -> -weights.getOrDefault(s.provider(), 0)));
    }

    /**
     * Hedging: with probability exploration-share, the charge goes to the winner of a Thompson draw among the
     * providers whose circuit is not open, the leader included (each one's expected net value with its success rate
     * drawn from its Beta posterior, highest wins). A non-leader thus gets the charge in proportion to the chance
     * that it is in fact worth more, fee included: a provider known to be dearer for no better success is hardly
     * ever tried, one whose evidence faded or is thin is. When the leader wins its own draw, nothing is explored.
     */
    private boolean explore(List<Scored> ordered) {
        if (ordered.size() < 2 || explorationShare <= 0 || random.nextDouble() >= explorationShare) {
            return false;
        }
        Scored pick = null;
        double best = Double.NEGATIVE_INFINITY;
        for (Scored s : ordered) {
            if (s.circuitFactor() > 0) {
                double draw = s.sampledScore(random);
                if (draw > best) {
                    best = draw;
                    pick = s;
                }
            }
        }
        if (pick == null || pick == ordered.get(0)) {
            return false;
        }
        ordered.remove(pick);
        ordered.add(0, pick);
        return true;
    }

    public String next(@ExchangeProperty(ChargeContext.PROPERTY) ChargeContext charge, Exchange exchange) {
        RoutingDecision decision = charge.routing();
        List<Attempt> round = charge.roundAttempts();
        Attempt last = round.isEmpty() ? null : round.get(round.size() - 1);
        if (exchange.getException() != null) {
            // the last step failed (storage gone mid-attempt): the error goes up, nothing is tried elsewhere
            return null;
        }
        Attempt interrupted = charge.toResend();
        if (interrupted != null) {
            // a stopped instance's unanswered attempt: to the same provider, whatever its score or circuit now
            decision.resent(interrupted.seq());
            decision.chose(interrupted.provider());
            exchange.setProperty(PROVIDER, interrupted.provider());
            return ATTEMPT_ENDPOINT;
        }
        if (last != null) {
            // no result: the attempt did not complete, so it may have charged; never fail over blindly
            if (last.result() == null || last.result().outcome() != Outcome.NOT_CHARGED) {
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
                boolean explored = decision.exploration() && provider.equals(decision.candidates().get(0).provider());
                metrics.routed(provider, decision.strategy(), explored);
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
