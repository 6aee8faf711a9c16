package io.payroute.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.payroute.charge.ChargeRequest;
import io.payroute.charge.PaymentMethod;

/**
 * What one routing decision costs (ProviderRouter.decide: rules, dimensions, 10 providers scored over 5
 * dimensions at 6 levels, exploration) with windows full of history: bench/routing-benchmark.sh, figures in
 * bench/README.md. A plain harness: warm-up, then timed decisions on one thread and on two.
 */
public final class RoutingBenchmark {

    private static final int PROVIDERS = 10;
    private static final java.time.Duration ONE_MILLISECOND = java.time.Duration.ofMillis(1);
    private static final int BANKS = 20;
    private static final String[] NETWORK_PREFIXES = {"4", "53", "5061"};

    public static void main(String[] args) throws InterruptedException {
        int decisions = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Map<String, String> fees = new LinkedHashMap<>();
        for (int p = 0; p < PROVIDERS; p++) {
            fees.put("provider" + p, "1." + p);
        }
        StringBuilder rules = new StringBuilder("version: bench\nbanks:\n");
        for (int b = 0; b < BANKS; b++) {
            rules.append("  bank").append(b).append(": [\"4").append(10 + b).append("\", \"53").append(10 + b)
                    .append("\", \"5061").append(10 + b).append("\"]\n");
        }
        // rules that are checked on every charge and never match: the cost of walking them is measured
        rules.append("rules:\n");
        for (int r = 0; r < 5; r++) {
            rules.append("  - {name: rule").append(r).append(", when: {currency: USD, metadata: {k: v").append(r)
                    .append("}}, deny: [provider").append(r).append("]}\n");
        }
        RoutingFixture f = new RoutingFixture(fees, rules.toString(), RoutingFixture.shippedProperties(), 1);
        List<ChargeRequest> charges = charges(10_000, new SplittableRandom(2));

        SplittableRandom outcomes = new SplittableRandom(3);
        for (ChargeRequest charge : charges) {
            Dimensions d = f.router.decide(charge).dimensions();
            for (int p = 0; p < PROVIDERS; p++) {
                for (int k = 0; k < 20; k++) {
                    f.health.record("provider" + p, d, outcomes.nextDouble() < 0.9, 200 + outcomes.nextInt(800));
                }
            }
        }
        System.out.printf(Locale.ROOT, "%d providers, dimensions %s, %d levels, windows of %d; %s %s%n", PROVIDERS,
                Dimensions.NAMES, RoutingFixture.shippedProperties().getLevels().size() + 1,
                RoutingFixture.shippedProperties().getWindow().getSize(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        time(f, charges, decisions, false);
        long[] nanos = time(f, charges, decisions, true);
        Arrays.sort(nanos);
        long total = Arrays.stream(nanos).sum();
        System.out.printf(Locale.ROOT, "one thread: %,d decisions, average %.1f µs, p50 %.1f µs, p99 %.1f µs%n", decisions,
                total / 1_000.0 / decisions, nanos[decisions / 2] / 1_000.0, nanos[(int) (decisions * 0.99)] / 1_000.0);

        AtomicLong done = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < 2; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < decisions; i++) {
                    f.router.decide(charges.get(i % charges.size()));
                }
                done.addAndGet(decisions);
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "two threads: %,.0f decisions/s (%.1f µs per decision per thread)%n",
                done.get() / seconds, seconds * 1e6 * 2 / done.get());
    }

    private static long[] time(RoutingFixture f, List<ChargeRequest> charges, int n, boolean keep) {
        long[] nanos = new long[keep ? n : 0];
        for (int i = 0; i < n; i++) {
            // 1,000 charges a second: each provider's shrinkage weights are refreshed once every 1,000 decisions
            f.clock.advance(ONE_MILLISECOND);
            long t0 = System.nanoTime();
            f.router.decide(charges.get(i % charges.size()));
            if (keep) {
                nanos[i] = System.nanoTime() - t0;
            }
        }
        return nanos;
    }

    /** Card charges in NGN over every bank, network and amount band. */
    private static List<ChargeRequest> charges(int n, SplittableRandom random) {
        List<ChargeRequest> charges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String prefix = NETWORK_PREFIXES[random.nextInt(NETWORK_PREFIXES.length)] + (10 + random.nextInt(BANKS));
            String number = (prefix + "0000000000000000").substring(0, 16);
            long amount = Math.round(Math.exp(Math.log(10_000) + random.nextDouble() * Math.log(10_000)));
            charges.add(new ChargeRequest("merchant_bench", amount, "NGN", "bench", null,
                    new ChargeRequest.Customer("bench@example.com", null, null, "NG"),
                    new PaymentMethod.Card(number, 12, 2031, "000"), Map.of("cart", "1")));
        }
        return charges;
    }
}
