package io.payroute.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

import io.payroute.charge.AttemptResult;
import io.payroute.charge.ChargeRequest;
import io.payroute.charge.ChargeStatus;
import io.payroute.charge.Outcome;
import io.payroute.charge.PaymentMethod;

/**
 * Replays a day-like stream of card charges through the real router (ProviderRouter.decide, ProviderHealth.record,
 * the scorer and the rules, as the routes call them; no HTTP) on a simulated clock, once per strategy, and
 * compares success rate, fee, what the merchant keeps (the amounts of successful charges less their fees) and
 * latency (docs/routing.md#simulation, bench/README.md).
 * <p>
 * The scenario, fixed before the first run: NGN card charges every 0.5 s, issued by gtbank (40 %), zenith (35 %)
 * and other banks (25 %), visa 45 % / mastercard 40 % / verve 15 %, amounts log-uniform from 1,000 to 500,000 NGN;
 * 4 % are declined for the customer's reasons wherever they go. Three providers:
 * <ul>
 *   <li>alpha, 1.5 %, p50 350 ms: 95 % on gtbank, 93 % on zenith, 92 % elsewhere; on gtbank it drops to 60 %
 *       from 30 % to 55 % of the run, then recovers;</li>
 *   <li>bravo, 2.9 %, p50 900 ms (slower), 93 % everywhere (steady);</li>
 *   <li>charlie, 1.4 % (cheapest), p50 450 ms: 90 % on gtbank, 95 % on zenith, 92 % elsewhere, 6 points less on verve.</li>
 * </ul>
 * Every strategy sees the same charges and the same random draws for their outcomes (common random numbers), so
 * differences between strategies are the strategies'.
 */
public final class RoutingSimulation {

    static final List<String> STRATEGIES = List.of("smart", "round_robin", "priority", "weighted", "cheapest", "fastest");
    private static final Duration INTER_ARRIVAL = Duration.ofMillis(500);
    private static final double CUSTOMER_DECLINES = 0.04;
    private static final Map<String, String> FEES = new LinkedHashMap<>();
    private static final Map<String, Integer> MEDIAN_LATENCY_MS = Map.of("alpha", 350, "bravo", 900, "charlie", 450);
    /** Latencies are log-normal around the median: the p95 is 1.78 times the median. */
    private static final double LATENCY_SIGMA = 0.35;
    static final String EXPECTED_VALUE_ORACLE = "expected value, true chances";
    private static final String[] BANKS = {"gtbank", "zenith", "other"};
    private static final String[] NETWORKS = {"visa", "mastercard", "verve"};
    /** A BIN per bank and network: the bank table below names gtbank's and zenith's; "other" BINs are in no table. */
    private static final String[][] BINS = {
            {"418742", "539983", "506100"},
            {"427876", "524282", "506105"},
            {"400000", "510000", "650002"}};
    private static final String BANK_TABLE = """
            banks:
              gtbank: ["418742", "539983", "506100"]
              zenith: ["427876", "524282", "506105"]
            """;
    private static final Map<String, String> POLICIES = Map.of(
            "smart", "{strategy: smart}",
            "round_robin", "{strategy: round_robin}",
            "priority", "{priority: [alpha, charlie, bravo]}",
            "weighted", "{split: {alpha: 40, charlie: 40, bravo: 20}}",
            "cheapest", "{strategy: cheapest}",
            "fastest", "{strategy: fastest}");

    static {
        FEES.put("alpha", "1.5");
        FEES.put("bravo", "2.9");
        FEES.put("charlie", "1.4");
    }

    /** One charge of the stream and the random draws deciding its outcome and latency wherever it goes. */
    private record Charge(int bank, int network, long amount, boolean customerDecline, double draw, double latencyZ) {
    }

    /** The figures of one strategy over one run. */
    record Result(String strategy, double successRate, double averageFee, double netValue, long p95LatencyMs, double healthyAverageFee,
                  double alphaGtbankShareBefore, double alphaGtbankShareDuring, double alphaGtbankShareRegained,
                  Integer regainedAfter, double explorationShare) {
    }

    private final int transactions;
    private final int outageStart;
    private final int outageEnd;
    private final long seed;
    private final List<Charge> stream;

    RoutingSimulation(int transactions, long seed) {
        this.transactions = transactions;
        this.outageStart = transactions * 30 / 100;
        this.outageEnd = transactions * 55 / 100;
        this.seed = seed;
        this.stream = stream(transactions, new SplittableRandom(seed));
    }

    private static List<Charge> stream(int n, SplittableRandom random) {
        List<Charge> charges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double b = random.nextDouble();
            double w = random.nextDouble();
            long amount = Math.round(Math.exp(Math.log(100_000) + random.nextDouble() * Math.log(500)));
            charges.add(new Charge(b < 0.40 ? 0 : b < 0.75 ? 1 : 2, w < 0.45 ? 0 : w < 0.85 ? 1 : 2, amount,
                    random.nextDouble() < CUSTOMER_DECLINES, random.nextDouble(), random.nextGaussian()));
        }
        return charges;
    }

    /** The chance that {@code provider} takes charge {@code i} (customer declines aside). */
    private double successChance(String provider, Charge c, int i) {
        String bank = BANKS[c.bank()];
        return switch (provider) {
            case "alpha" -> bank.equals("gtbank") ? (i >= outageStart && i < outageEnd ? 0.60 : 0.95)
                    : bank.equals("zenith") ? 0.93 : 0.92;
            case "bravo" -> 0.93;
            case "charlie" -> (bank.equals("gtbank") ? 0.90 : bank.equals("zenith") ? 0.95 : 0.92)
                    - (NETWORKS[c.network()].equals("verve") ? 0.06 : 0);
            default -> throw new IllegalArgumentException(provider);
        };
    }

    /** Where a charge goes: the provider, whether to explore, and the dimensions its outcome is learnt by (null: none). */
    private record Pick(String provider, boolean explored, Dimensions dimensions) {
    }

    Result run(String strategy) {
        RoutingFixture f = fixture(strategy);
        return run(strategy, f, (c, i) -> {
            RoutingDecision decision = f.router.decide(request(c));
            return new Pick(decision.candidates().get(0).provider(), decision.exploration(), decision.dimensions());
        });
    }

    /**
     * Smart's objective with every provider's true chance of success and p95 latency instead of estimates, and no
     * exploration: what the objective itself gives when nothing has to be learnt.
     */
    Result runExpectedValueWithTrueChances() {
        RoutingFixture f = fixture("smart");
        RoutingProperties settings = RoutingFixture.shippedProperties();
        double valueShare = settings.getSuccessValuePercent() / 100;
        double latencyCostPerMs = settings.getLatencyCostPercentPerSecond() / 100 / 1000;
        long thresholdMs = settings.getLatencyThreshold().toMillis();
        return run(EXPECTED_VALUE_ORACLE, f, (c, i) -> {
            double value = c.amount() * valueShare;
            String best = null;
            double bestValue = Double.NEGATIVE_INFINITY;
            for (String provider : FEES.keySet()) {
                double p95 = MEDIAN_LATENCY_MS.get(provider) * Math.exp(LATENCY_SIGMA * 1.645);
                double expected = successChance(provider, c, i) * (value - f.catalog.fee(provider, "NGN", "card", c.amount()))
                        - value * latencyCostPerMs * Math.max(0, p95 - thresholdMs);
                if (expected > bestValue) {
                    bestValue = expected;
                    best = provider;
                }
            }
            return new Pick(best, false, null);
        });
    }

    private RoutingFixture fixture(String strategy) {
        return new RoutingFixture(FEES, "version: simulation\n" + BANK_TABLE + "default: " + POLICIES.get(strategy) + "\n",
                RoutingFixture.shippedProperties(), seed + 1);
    }

    private Result run(String label, RoutingFixture f, BiFunction<Charge, Integer, Pick> router) {
        int successes = 0;
        long fees = 0;
        long netValue = 0;
        long healthyFees = 0;
        int healthySuccesses = 0;
        int explored = 0;
        int[] latencies = new int[transactions];
        boolean[] alphaOnGtbank = new boolean[transactions];
        for (int i = 0; i < transactions; i++) {
            Charge c = stream.get(i);
            f.clock.advance(INTER_ARRIVAL);
            Pick pick = router.apply(c, i);
            String provider = pick.provider();
            explored += pick.explored() ? 1 : 0;
            alphaOnGtbank[i] = c.bank() == 0 && provider.equals("alpha");
            int latency = (int) Math.round(MEDIAN_LATENCY_MS.get(provider) * Math.exp(LATENCY_SIGMA * c.latencyZ()));
            latencies[i] = latency;
            AttemptResult result = c.customerDecline() ? declined("insufficient_funds", "customer")
                    : c.draw() < successChance(provider, c, i) ? succeeded() : declined("do_not_honor", "issuer");
            Boolean verdict = ProviderHealth.verdict(result);
            if (verdict != null && pick.dimensions() != null) {
                f.health.record(provider, pick.dimensions(), verdict, latency);
            }
            if (result.outcome() == Outcome.SUCCESS) {
                long fee = f.catalog.fee(provider, "NGN", "card", c.amount());
                successes++;
                fees += fee;
                netValue += c.amount() - fee;
                if (i < outageStart) {
                    healthySuccesses++;
                    healthyFees += fee;
                }
            }
        }
        Arrays.sort(latencies);
        double before = gtbankShare(alphaOnGtbank, outageStart - 2_000, outageStart);
        double regainedShare = gtbankShare(alphaOnGtbank, outageEnd + 1_500, outageEnd + 2_000);
        return new Result(label, successes / (double) transactions, fees / 100.0 / successes,
                netValue / 100.0 / transactions,
                latencies[(int) Math.ceil(0.95 * transactions) - 1], healthyFees / 100.0 / healthySuccesses, before,
                gtbankShare(alphaOnGtbank, outageStart, outageEnd), regainedShare, regainedAfter(alphaOnGtbank, before),
                explored / (double) transactions);
    }

    /** The success rate of a router that knows every provider's true chances: the ceiling of any strategy. */
    double oracleSuccessRate() {
        int successes = 0;
        for (int i = 0; i < transactions; i++) {
            Charge c = stream.get(i);
            double best = 0;
            for (String provider : FEES.keySet()) {
                best = Math.max(best, successChance(provider, c, i));
            }
            successes += !c.customerDecline() && c.draw() < best ? 1 : 0;
        }
        return successes / (double) transactions;
    }

    /** Share of gtbank charges in [from, to) that went to alpha. */
    private double gtbankShare(boolean[] alphaOnGtbank, int from, int to) {
        int gtbank = 0;
        int alpha = 0;
        for (int i = Math.max(0, from); i < Math.min(to, transactions); i++) {
            if (stream.get(i).bank() == 0) {
                gtbank++;
                alpha += alphaOnGtbank[i] ? 1 : 0;
            }
        }
        return gtbank == 0 ? 0 : alpha / (double) gtbank;
    }

    /**
     * Transactions after recovery until alpha's share of gtbank charges over the last 500 transactions is back to
     * 80 % of its pre-outage share; null if it never is within the run.
     */
    private Integer regainedAfter(boolean[] alphaOnGtbank, double before) {
        int trailing = 500;
        for (int end = outageEnd + 1; end <= transactions; end++) {
            if (gtbankShare(alphaOnGtbank, Math.max(outageEnd, end - trailing), end) >= 0.8 * before && end - outageEnd >= 50) {
                return end - outageEnd;
            }
        }
        return null;
    }

    private static ChargeRequest request(Charge c) {
        String number = BINS[c.bank()][c.network()] + "0000000000";
        return new ChargeRequest("merchant_sim", c.amount(), "NGN", "sim", null,
                new ChargeRequest.Customer("sim@example.com", null, null, "NG"),
                new PaymentMethod.Card(number, 12, 2031, "000"), Map.of());
    }

    private static AttemptResult succeeded() {
        return new AttemptResult(Outcome.SUCCESS, ChargeStatus.SUCCEEDED, "sim", null, null, null, 200, null, null);
    }

    private static AttemptResult declined(String code, String category) {
        return new AttemptResult(Outcome.DECLINED, ChargeStatus.FAILED, "sim", code, category, code, 200, null, null);
    }

    int outageStart() {
        return outageStart;
    }

    int outageEnd() {
        return outageEnd;
    }

    private static String regained(Result r) {
        if (r.alphaGtbankShareDuring() >= 0.8 * r.alphaGtbankShareBefore()) {
            return "no share lost";
        }
        return r.regainedAfter() == null ? "never" : r.regainedAfter() + " tx";
    }

    /**
     * Smart against the best other strategy, the three targets of the routing issue, and what the merchant keeps:
     * smart's net value per charge against the static strategy that keeps the most.
     */
    record Verdict(String bestStatic, double upliftPoints, Integer regainedAfter, double healthyFeeGapPercent,
                   String bestNetStatic, double netValueGain) {

        static Verdict of(List<Result> results) {
            Result smart = results.get(0);
            Result best = results.stream().skip(1).max(Comparator.comparingDouble(Result::successRate)).orElseThrow();
            Result bestNet = results.stream().skip(1).max(Comparator.comparingDouble(Result::netValue)).orElseThrow();
            Result cheapest = results.stream().filter(r -> r.strategy().equals("cheapest")).findFirst().orElseThrow();
            return new Verdict(best.strategy(), 100 * (smart.successRate() - best.successRate()), smart.regainedAfter(),
                    100 * (smart.healthyAverageFee() / cheapest.healthyAverageFee() - 1), bestNet.strategy(),
                    smart.netValue() - bestNet.netValue());
        }

        String summary() {
            return String.format(Locale.ROOT, "uplift over best static (%s) %+.2f points [target >= +1.5: %s]; alpha's gtbank"
                            + " share back to 80 %% after %s [target <= 2,000: %s]; healthy-phase fee vs cheapest %+.1f %%"
                            + " [target <= +5 %%: %s]; net per charge vs best static (%s) %+.2f NGN",
                    bestStatic, upliftPoints, upliftPoints >= 1.5 ? "met" : "MISSED",
                    regainedAfter == null ? "never" : regainedAfter + " tx",
                    regainedAfter != null && regainedAfter <= 2_000 ? "met" : "MISSED",
                    healthyFeeGapPercent, healthyFeeGapPercent <= 5 ? "met" : "MISSED", bestNetStatic, netValueGain);
        }
    }

    List<Result> runAll() {
        return STRATEGIES.stream().map(this::run).toList();
    }

    /**
     * {@code RoutingSimulation [transactions [seed...]]}: the comparison table of the first seed, then the verdict
     * of every seed given (bench/routing.sh simulation).
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        List<Long> seeds = args.length > 1 ? Arrays.stream(args).skip(1).map(Long::parseLong).toList() : List.of(7L);
        RoutingSimulation first = new RoutingSimulation(n, seeds.get(0));
        List<Result> results = first.runAll();
        System.out.printf(Locale.ROOT, "%n%d transactions, seed %d, alpha's gtbank outage from transaction %d to %d%n%n",
                n, seeds.get(0), first.outageStart, first.outageEnd);
        System.out.println("| strategy | success rate | avg fee (NGN) | merchant's net per charge (NGN) | p95 latency | avg fee, healthy phase | alpha's gtbank share before / during / 1,500–2,000 after | back to 80 % after | exploration |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        List<Result> rows = new ArrayList<>(results);
        rows.add(first.runExpectedValueWithTrueChances());
        for (Result r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %.2f %% | %.2f | %.2f | %d ms | %.2f | %.0f %% / %.0f %% / %.0f %% | %s | %.1f %% |%n",
                    r.strategy(), 100 * r.successRate(), r.averageFee(), r.netValue(), r.p95LatencyMs(), r.healthyAverageFee(),
                    100 * r.alphaGtbankShareBefore(), 100 * r.alphaGtbankShareDuring(), 100 * r.alphaGtbankShareRegained(),
                    regained(r), 100 * r.explorationShare());
        }
        System.out.printf(Locale.ROOT, "%na router knowing the true chances (the ceiling): %.2f %%%n", 100 * first.oracleSuccessRate());
        System.out.println("seed " + seeds.get(0) + ": " + Verdict.of(results).summary());
        for (long seed : seeds.subList(1, seeds.size())) {
            System.out.println("seed " + seed + ": " + Verdict.of(new RoutingSimulation(n, seed).runAll()).summary());
        }
    }
}
