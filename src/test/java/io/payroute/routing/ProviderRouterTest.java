package io.payroute.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.payroute.charge.ChargeRequest;
import io.payroute.charge.PaymentMethod;
import io.payroute.provider.StartedCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Strategies, rules and exploration of the router, on the real beans with a seeded random source. */
class ProviderRouterTest {

    /** alpha is the cheapest, then bravo, then charlie. */
    private static final Map<String, String> FEES = new LinkedHashMap<>();

    static {
        FEES.put("alpha", "1.4");
        FEES.put("bravo", "1.5");
        FEES.put("charlie", "2.9");
    }

    private static RoutingFixture fixture(String rules, double explorationShare) {
        RoutingProperties properties = new RoutingProperties();
        properties.setExplorationShare(explorationShare);
        return new RoutingFixture(FEES, rules, properties, 42);
    }

    private static RoutingFixture fixture(String rules) {
        return fixture(rules, 0);
    }

    @Test
    void smartRanksByScoreAndExplainsEachPart() {
        RoutingFixture f = fixture("version: 3\n");
        healthy(f, "alpha", 0.50, 300);
        healthy(f, "bravo", 0.98, 300);
        healthy(f, "charlie", 0.98, 2_400);

        RoutingDecision d = f.router.decide(charge("merchant_a", 100_000, Map.of()));

        assertThat(d.strategy()).isEqualTo("smart");
        assertThat(d.rulesVersion()).isEqualTo("3");
        assertThat(d.rule()).isNull();
        assertThat(d.exploration()).isFalse();
        assertThat(d.dimensions()).isEqualTo(new Dimensions("card", "NGN", "visa", null, "50000-499999"));
        assertThat(d.objective()).isEqualTo(new RoutingDecision.Objective(100, 1_000, 1));
        assertThat(providers(d)).containsExactly("bravo", "charlie", "alpha");
        RoutingDecision.Candidate charlie = d.candidates().get(1);
        assertThat(charlie.dimension()).isEqualTo("method=card,currency=NGN,network=visa");
        // 200 outcomes, each kept at 0.99 per newer one: 87 outcomes' worth of evidence
        assertThat(charlie.samples()).isEqualTo(87);
        // 98 % successes refining the coarser levels' rate
        assertThat(charlie.successRate()).isBetween(0.975, 0.99);
        assertThat(charlie.fee()).isEqualTo(2_900);
        // within what the success rate's four decimals leave out
        assertThat(charlie.expectedValue()).isCloseTo(Math.round(charlie.successRate() * (100_000 - 2_900)), within(5L));
        // p95 in the 2,500 ms bucket: 1.5 s beyond the threshold at 1 % of the value a second
        assertThat(charlie.latencyP95Ms()).isEqualTo(2_500L);
        assertThat(charlie.latencyPenalty()).isEqualTo(1_500);
        assertThat(charlie.score()).isEqualTo(charlie.expectedValue() - charlie.latencyPenalty());
    }

    @Test
    void threePointsOfSuccessRateOutweighAFeeOnePointFiveHigherAndEqualRatesGoToTheCheapest() {
        RoutingFixture f = fixture("version: 1\n");
        // as likely to succeed: the cheapest first, by the fee saved
        RoutingDecision equal = f.router.decide(charge("m", 100_000, Map.of()));
        assertThat(providers(equal)).containsExactly("alpha", "bravo", "charlie");
        assertThat(equal.candidates().get(0).score() - equal.candidates().get(2).score())
                .as("0.9 × the 1,500 fee gap").isEqualTo(1_350);

        // charlie (2.9 %) succeeds 3 points more often than alpha (1.4 %): worth 3 % of the amount, more than the fee
        healthy(f, "alpha", 0.90, 300);
        healthy(f, "bravo", 0.60, 300);
        healthy(f, "charlie", 0.93, 300);
        assertThat(providers(f.router.decide(charge("m", 100_000, Map.of())))).startsWith("charlie", "alpha");
    }

    @Test
    void anOpenCircuitRanksLastAndAHalfOpenOneHalvesItsScore() {
        RoutingFixture f = fixture("version: 1\n");
        f.breakers.circuitBreaker("alpha").transitionToOpenState();
        f.breakers.circuitBreaker("bravo").transitionToOpenState();
        f.breakers.circuitBreaker("bravo").transitionToHalfOpenState();

        RoutingDecision d = f.router.decide(charge("m", 100_000, Map.of()));

        assertThat(providers(d)).containsExactly("charlie", "bravo", "alpha");
        assertThat(d.candidates().get(2).score()).isZero();
        assertThat(d.candidates().get(2).circuit()).isEqualTo(CircuitBreaker.State.OPEN.name());
    }

    @Test
    void staticStrategiesPerMerchant() {
        RoutingFixture f = fixture("""
                version: 1
                merchants:
                  by_list: {priority: [charlie, alpha]}
                  cheap: {strategy: cheapest}
                  fast: {strategy: fastest}
                  rr: {strategy: round_robin}
                """);
        healthy(f, "alpha", 0.9, 900);
        healthy(f, "bravo", 0.9, 200);

        assertThat(providers(f.router.decide(charge("by_list", 100_000, Map.of())))).containsExactly("charlie", "alpha", "bravo");
        assertThat(providers(f.router.decide(charge("cheap", 100_000, Map.of())))).containsExactly("alpha", "bravo", "charlie");
        assertThat(providers(f.router.decide(charge("fast", 100_000, Map.of()))))
                .as("no history: last").containsExactly("bravo", "alpha", "charlie");
        assertThat(firsts(f, "rr", Map.of(), 6)).containsExactly("alpha", "bravo", "charlie", "alpha", "bravo", "charlie");
    }

    @Test
    void aWeightedSplitGivesEachProviderItsShareEvenlySpread() {
        RoutingFixture f = fixture("version: 1\nmerchants:\n  ab: {split: {alpha: 3, charlie: 1}}\n");

        List<String> firsts = firsts(f, "ab", Map.of(), 400);

        Map<String, Integer> counts = new HashMap<>();
        firsts.forEach(p -> counts.merge(p, 1, Integer::sum));
        assertThat(counts).containsOnly(Map.entry("alpha", 300), Map.entry("charlie", 100));
        assertThat(firsts.subList(0, 4)).containsExactlyInAnyOrder("alpha", "alpha", "alpha", "charlie");
        // outside the split bravo is a fallback only
        assertThat(providers(f.router.decide(charge("ab", 100_000, Map.of())))).endsWith("bravo");
    }

    @Test
    void theFirstMatchingRuleFiltersProvidersAndMaySetItsOwnStrategy() {
        RoutingFixture f = fixture("""
                version: 2
                default: {strategy: cheapest}
                rules:
                  - name: vip-by-priority
                    when: {metadata: {tier: vip}}
                    priority: [charlie]
                    deny: [bravo]
                  - name: large-no-alpha
                    when: {amount: {min: 1000000}}
                    deny: [alpha]
                """);

        RoutingDecision vip = f.router.decide(charge("m", 2_000_000, Map.of("tier", "vip")));
        assertThat(vip.rule()).isEqualTo("vip-by-priority");
        assertThat(vip.strategy()).isEqualTo("priority");
        assertThat(providers(vip)).containsExactly("charlie", "alpha");
        assertThat(vip.excluded()).containsExactly(new RoutingDecision.Excluded("bravo", "denied by rule vip-by-priority"));

        RoutingDecision large = f.router.decide(charge("m", 2_000_000, Map.of()));
        assertThat(large.rule()).isEqualTo("large-no-alpha");
        assertThat(large.strategy()).as("the merchant's strategy still orders").isEqualTo("cheapest");
        assertThat(providers(large)).containsExactly("bravo", "charlie");

        assertThat(f.router.decide(charge("m", 10_000, Map.of())).rule()).isNull();
    }

    @Test
    void explorationSpendsAtMostItsShareAndMostlyWhereTheLeaderIsInDoubt() {
        RoutingFixture f = fixture("version: 1\n", 0.10);
        healthy(f, "alpha", 0.95, 300);
        // bravo has little history at a similar rate, charlie a long bad one: exploring bravo may pay off
        healthy(f, "bravo", 0.90, 300, 20);
        healthy(f, "charlie", 0.40, 300);

        Map<String, Integer> explored = new HashMap<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            RoutingDecision d = f.router.decide(charge("m", 100_000, Map.of()));
            if (d.exploration()) {
                assertThat(d.candidates().get(0).provider()).isNotEqualTo("alpha");
                explored.merge(d.candidates().get(0).provider(), 1, Integer::sum);
            } else {
                assertThat(d.candidates().get(0).provider()).isEqualTo("alpha");
            }
        }
        int total = explored.values().stream().mapToInt(Integer::intValue).sum();
        // a hedged charge goes to whoever wins a Thompson draw, the leader included: bravo's thin history often does
        assertThat(total / (double) n).isBetween(0.01, 0.10);
        assertThat(explored.getOrDefault("bravo", 0)).isGreaterThan(10 * explored.getOrDefault("charlie", 0));
    }

    @Test
    void aRecoveredProviderWinsItsTrafficBack() {
        RoutingFixture f = fixture("version: 1\n", 0.05);
        healthy(f, "bravo", 0.92, 300);
        healthy(f, "alpha", 0.30, 300);
        assertThat(f.router.decide(charge("m", 100_000, Map.of())).candidates().get(0).provider()).isEqualTo("bravo");

        // alpha recovers (the others keep failing one charge in 12); only explored charges reach it, and its outage
        // fades from its windows (e every 5 minutes); within 33 minutes it leads again
        int alphaLeads = 0;
        for (int i = 0; i < 4_000; i++) {
            f.clock.advance(java.time.Duration.ofMillis(500));
            RoutingDecision d = f.router.decide(charge("m", 100_000, Map.of()));
            String first = d.candidates().get(0).provider();
            f.health.record(first, d.dimensions(), first.equals("alpha") || i % 12 != 0, 300);
            if (i >= 3_500 && first.equals("alpha") && !d.exploration()) {
                alphaLeads++;
            }
        }
        assertThat(alphaLeads).as("alpha leads again (cheaper, as good)").isGreaterThan(400);
    }

    /** Records outcomes at the given success rate, evenly spread (recent ones weigh more), and latency for a visa card in NGN. */
    /**
     * A merchant whose successes are worth less to it (a thin margin) weighs fees more: the same charge that smart
     * sends to a dearer, more successful provider for everyone else goes to the cheaper one for that merchant, and
     * the decision records the objective it was scored by.
     */
    @Test
    void aMerchantsOwnObjectiveDecidesItsTradeBetweenSuccessAndFee() {
        RoutingFixture f = fixture("""
                version: 1
                merchants:
                  thin_margin: {objective: {success_value_percent: 40}}
                """);
        healthy(f, "alpha", 0.95, 300);
        healthy(f, "charlie", 0.98, 300);
        f.health.record("bravo", f.router.decide(charge("m", 100_000, Map.of())).dimensions(), false, 300);

        RoutingDecision everyone = f.router.decide(charge("shop", 100_000, Map.of()));
        RoutingDecision thin = f.router.decide(charge("thin_margin", 100_000, Map.of()));

        // 98 % at 2.9 % is worth more than 95 % at 1.4 % when a success is worth the amount, not at 40 % of it
        assertThat(everyone.candidates().get(0).provider()).isEqualTo("charlie");
        assertThat(everyone.objective()).isEqualTo(new RoutingDecision.Objective(100, 1_000, 1));
        assertThat(thin.candidates().get(0).provider()).isEqualTo("alpha");
        assertThat(thin.objective()).isEqualTo(new RoutingDecision.Objective(40, 1_000, 1));
        RoutingDecision.Candidate alpha = thin.candidates().get(0);
        assertThat(alpha.expectedValue()).isCloseTo(Math.round(alpha.successRate() * (40_000 - alpha.fee())), within(10L));
    }

    /**
     * Whatever the strategy, a provider that has stopped answering (a call waiting beyond stalled-after) is tried
     * last, and the others keep the strategy's order; without the stall the same strategy puts it first.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{priority: [alpha, charlie, bravo]} | charlie,bravo",
            "{strategy: cheapest}                | bravo,charlie",
            "{strategy: fastest}                 | bravo,charlie",
            "{strategy: round_robin}             | ",
            "{split: {alpha: 2, bravo: 1, charlie: 1}} | "})
    void everyStrategyTriesAStalledProviderLast(String policy, String othersInOrder) {
        RoutingFixture f = fixture("version: 1\ndefault: " + policy + "\n");
        healthy(f, "alpha", 0.95, 100);
        healthy(f, "bravo", 0.95, 200);
        healthy(f, "charlie", 0.95, 400);
        List<String> unstalled = firsts(f, "m", Map.of(), 8);
        assertThat(unstalled).as("alpha leads or takes its turns").contains("alpha");

        StartedCalls.start(f.inFlight, "alpha");
        f.clock.advance(Duration.ofSeconds(3));
        for (int i = 0; i < 8; i++) {
            RoutingDecision d = f.router.decide(charge("m", 100_000, Map.of()));
            assertThat(providers(d)).as(d.toString()).endsWith("alpha");
            assertThat(d.candidates().get(2).stalled()).isTrue();
            if (othersInOrder != null) {
                assertThat(providers(d).subList(0, 2)).isEqualTo(List.of(othersInOrder.split(",")));
            }
        }
    }

    private static void healthy(RoutingFixture f, String provider, double rate, int latencyMs) {
        healthy(f, provider, rate, latencyMs, 200);
    }

    private static void healthy(RoutingFixture f, String provider, double rate, int latencyMs, int samples) {
        Dimensions d = f.router.decide(charge("m", 100_000, Map.of())).dimensions();
        for (int i = 0; i < samples; i++) {
            f.health.record(provider, d, Math.floor((i + 1) * rate) > Math.floor(i * rate), latencyMs);
        }
    }

    private static List<String> firsts(RoutingFixture f, String merchant, Map<String, String> metadata, int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> f.router.decide(charge(merchant, 100_000, metadata)).candidates().get(0).provider()).toList();
    }

    private static List<String> providers(RoutingDecision d) {
        return d.candidates().stream().map(RoutingDecision.Candidate::provider).toList();
    }

    static ChargeRequest charge(String merchant, long amount, Map<String, String> metadata) {
        return new ChargeRequest(merchant, amount, "NGN", "ref", null, new ChargeRequest.Customer("a@example.com", null, null, "NG"),
                new PaymentMethod.Card("4111111111111111", 12, 2030, "123"), metadata);
    }
}
