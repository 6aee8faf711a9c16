package io.payroute.routing;

import java.util.List;
import java.util.Map;
import java.util.Set;

import io.payroute.charge.ChargeRequest;
import io.payroute.charge.PaymentMethod;

/**
 * One version of the rules file (docs/routing.md#rules), parsed and checked: immutable, and replaced whole when
 * the file changes. The first rule whose conditions all hold applies; without one, the merchant's policy does.
 */
record RuleSet(String version, BinRanges<String> banks, Policy defaultPolicy, Map<String, Policy> merchants,
                      List<Rule> rules) {

    /** What applies with no rules file: smart routing for every merchant. */
    static final RuleSet BUILT_IN = new RuleSet("built-in", new BinRanges<>(), new Policy(Strategy.SMART, List.of(), Map.of()),
            Map.of(), List.of());

    /**
     * A strategy and what it needs: the list of {@code priority}, the weights of {@code weighted}; for a merchant,
     * also its own {@code objective} (null: payroute.routing's).
     */
    public record Policy(Strategy strategy, List<String> priority, Map<String, Integer> split, ObjectiveOverride objective) {

        Policy(Strategy strategy, List<String> priority, Map<String, Integer> split) {
            this(strategy, priority, split, null);
        }
    }

    /**
     * What a merchant's charges are scored by where it differs from payroute.routing (docs/routing.md#score): a
     * merchant's margin decides what a success is worth against a fee. Null parts are the configured ones.
     */
    public record ObjectiveOverride(Double successValuePercent, Long latencyThresholdMs, Double latencyCostPercentPerSecond) {
    }

    /** A rule: conditions, then providers allowed or denied and optionally a policy of its own. */
    public record Rule(String name, int line, Conditions when, Set<String> allow, Set<String> deny, Policy policy) {
    }

    /** All present conditions must hold; a list holds when any of its values does. Absent (null) ones always hold. */
    public record Conditions(Long minAmount, Long maxAmount, Set<String> currencies, Set<String> methods,
                             Set<String> networks, BinRanges<Boolean> bins, Set<String> banks, Set<String> countries,
                             Set<String> merchants, Map<String, Set<String>> metadata) {

        boolean matches(ChargeRequest request, Dimensions dimensions) {
            String country = request.customer() == null ? null : request.customer().country();
            String bin = request.paymentMethod() instanceof PaymentMethod.Card card ? card.bin() : null;
            return (minAmount == null || request.amount() >= minAmount)
                    && (maxAmount == null || request.amount() <= maxAmount)
                    && in(currencies, request.currency())
                    && in(methods, dimensions.method())
                    && in(networks, dimensions.network())
                    && (bins == null || bins.find(bin) != null)
                    && in(banks, dimensions.bank())
                    && in(countries, country)
                    && in(merchants, request.merchantId())
                    && (metadata == null || metadata.entrySet().stream().allMatch(e ->
                            in(e.getValue(), request.metadata() == null ? null : request.metadata().get(e.getKey()))));
        }

        private static boolean in(Set<String> allowed, String value) {
            return allowed == null || (value != null && allowed.contains(value));
        }
    }

    Policy policyFor(String merchant) {
        return merchants.getOrDefault(merchant, defaultPolicy);
    }

    /** The first rule that applies to the charge, or null. */
    Rule match(ChargeRequest request, Dimensions dimensions) {
        for (Rule rule : rules) {
            if (rule.when().matches(request, dimensions)) {
                return rule;
            }
        }
        return null;
    }
}
