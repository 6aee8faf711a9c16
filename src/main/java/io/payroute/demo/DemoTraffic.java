package io.payroute.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Demo traffic (README: "See it work"): pushes charges through the real merchant API of a running PayRoute whose
 * simulators are on, a mix of provider tokens and raw cards of several banks, in several currencies, paced at a
 * steady rate (under the merchant's default rate limit; a 429 is waited out and sent again), with a progress bar.
 * Half-way one provider degrades (declines, errors, latency) through the simulators' control API, so the dashboard
 * shows failovers, routing moving away, a falling success rate and a failure-spike alert.
 * The provider is restored at the end. Runs alone, without Spring:
 * <pre>
 *   bench/demo-traffic.sh [--charges=10000] [--rate=90] [--concurrency=48] [--degrade=flutterwave]
 *                         [--url=http://127.0.0.1:8080] [--simulators=http://127.0.0.1:18080] [--keep-degraded]
 *                         [--api-key=sk_...]   (default: PAYROUTE_MERCHANT_API_KEY, or data/merchant-api-key)
 * </pre>
 */
public final class DemoTraffic {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CURRENCIES = List.of("NGN", "NGN", "NGN", "NGN", "USD", "USD", "GHS", "KES", "ZAR");
    /** Issuer BINs of the demo's cards: each is a "bank" on the dashboard. */
    private static final List<String> BANKS = List.of("539983", "506099", "418742", "521090", "459660", "404017");
    private static final String HEALTHY = "{\"latency_ms\": 60, \"latency_jitter_ms\": 120, \"decline_rate\": 0.05, \"error_rate\": 0.01}";
    /** Its issuers' declines soar (an acquiring link failing behind it), with some errors and slower answers. */
    private static final String DEGRADED = "{\"latency_ms\": 300, \"latency_jitter_ms\": 400, \"decline_rate\": 0.6, \"error_rate\": 0.05}";

    private final Map<String, String> options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Random random = new Random();
    /** Keeps the idempotency keys of two runs apart. */
    private final long run = System.currentTimeMillis();
    private final AtomicLong sent = new AtomicLong();
    private final Map<String, AtomicLong> outcomes = new LinkedHashMap<>();
    private volatile String phase = "all providers healthy";

    private DemoTraffic(Map<String, String> options) {
        this.options = options;
        for (String o : List.of("succeeded", "failed", "pending", "requires_action", "rejected", "unreachable")) {
            outcomes.put(o, new AtomicLong());
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of("charges", "10000", "rate", "90", "concurrency", "48",
                "degrade", "flutterwave", "url", "http://127.0.0.1:8080", "simulators", "http://127.0.0.1:18080",
                "api-key", merchantKey()));
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            if (!options.containsKey(kv[0]) && !kv[0].equals("keep-degraded")) {
                System.err.println("unknown option " + arg + "; options: " + options.keySet() + ", keep-degraded");
                System.exit(2);
            }
            options.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        new DemoTraffic(options).run();
    }

    /** The embedded run's merchant key: PAYROUTE_MERCHANT_API_KEY, or the one it generated into data/merchant-api-key. */
    private static String merchantKey() throws IOException {
        String configured = System.getenv("PAYROUTE_MERCHANT_API_KEY");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        Path file = Path.of("data", "merchant-api-key");
        return Files.exists(file) ? Files.readString(file).trim() : "";
    }

    private void run() throws Exception {
        if (options.get("api-key").isEmpty()) {
            System.err.println("no merchant API key: give --api-key=sk_..., set PAYROUTE_MERCHANT_API_KEY, or run from the"
                    + " directory whose data/merchant-api-key the service generated");
            System.exit(2);
        }
        int total = Integer.parseInt(options.get("charges"));
        double rate = Double.parseDouble(options.get("rate"));
        int concurrency = Integer.parseInt(options.get("concurrency"));
        String degraded = options.get("degrade");
        for (String provider : List.of("paystack", "flutterwave", "stripe")) {
            simulator(provider, HEALTHY);
        }
        System.out.printf(Locale.ROOT, "%,d charges at %.0f/s against %s; %s degrades half-way. Dashboard: %s/dashboard%n",
                total, rate, options.get("url"), degraded, options.get("url"));
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        Semaphore inFlight = new Semaphore(concurrency);
        long start = System.nanoTime();
        Thread progress = new Thread(() -> progress(total, start), "demo-progress");
        progress.setDaemon(true);
        progress.start();
        try {
            for (int i = 0; i < total; i++) {
                if (i == total / 2) {
                    simulator(degraded, DEGRADED);
                    phase = degraded + " degraded";
                }
                long due = start + (long) (i * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                inFlight.acquire();
                int n = i;
                pool.execute(() -> {
                    try {
                        outcomes.get(charge(n)).incrementAndGet();
                    } finally {
                        sent.incrementAndGet();
                        inFlight.release();
                    }
                });
            }
            pool.shutdown();
            pool.awaitTermination(5, TimeUnit.MINUTES);
        } finally {
            if (!options.containsKey("keep-degraded")) {
                simulator(degraded, HEALTHY);
            }
        }
        progress.interrupt();
        progress.join();
        bar(total, start, true);
        System.out.printf(Locale.ROOT, "%nDone in %.0f s: %s%s%n", (System.nanoTime() - start) / 1e9, outcomes,
                options.containsKey("keep-degraded") ? "; " + degraded + " stays degraded" : "; " + degraded + " restored");
    }

    /** One charge; returns its status, or why there is none. */
    private String charge(int n) {
        String currency = CURRENCIES.get(random.nextInt(CURRENCIES.size()));
        boolean card = random.nextInt(10) < 3;
        String body = """
                {"amount": %d, "currency": "%s", "reference": "demo-%d", "description": "Demo order %d",
                 "customer": {"email": "customer%d@example.com", "country": "NG"},
                 "payment_method": %s, "metadata": {"source": "demo-traffic"}}"""
                .formatted(amount(currency), currency, n, n, n % 500, card ? card() : tokens(n));
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.get("url") + "/v1/charges"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + options.get("api-key"))
                .header("Idempotency-Key", "demo-" + run + "-" + n)
                .header("X-Request-Id", "demo-" + n)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            // over the merchant's rate limit: wait as told and send the same request again (same Idempotency-Key)
            for (int retry = 0; response.statusCode() == 429 && retry < 10; retry++) {
                Thread.sleep(1000L * response.headers().firstValueAsLong("Retry-After").orElse(1));
                response = http.send(request, HttpResponse.BodyHandlers.ofString());
            }
            return response.statusCode() == 201 ? JSON.readTree(response.body()).path("status").asText("rejected") : "rejected";
        } catch (IOException e) {
            return "unreachable";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unreachable";
        }
    }

    private long amount(String currency) {
        long major = switch (currency) {
            case "NGN" -> 1_000 + random.nextInt(250_000);
            case "KES" -> 100 + random.nextInt(20_000);
            case "GHS", "ZAR" -> 10 + random.nextInt(3_000);
            default -> 5 + random.nextInt(800);
        };
        return major * 100;
    }

    /** Saved tokens for every provider; unmarked, so the simulators' statistical outcomes decide. */
    private static String tokens(int n) {
        return """
                {"type": "tokens", "tokens": {"paystack": "AUTH_demo%d", "flutterwave": "flw-t1nf-demo%d", "stripe": "pm_demo%d"}}"""
                .formatted(n, n, n);
    }

    /** A Luhn-valid card of one of the demo banks (only where raw cards are enabled: with the simulators). */
    private String card() {
        StringBuilder number = new StringBuilder(BANKS.get(random.nextInt(BANKS.size())));
        while (number.length() < 15) {
            number.append(random.nextInt(10));
        }
        int sum = 0;
        for (int i = 0; i < 15; i++) {
            int d = number.charAt(14 - i) - '0';
            if (i % 2 == 0) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        number.append((10 - sum % 10) % 10);
        return """
                {"type": "card", "number": "%s", "exp_month": 12, "exp_year": 2031, "cvc": "123"}""".formatted(number);
    }

    private void simulator(String provider, String behaviour) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(options.get("simulators") + "/sim/" + provider + "/behaviour"))
                .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(behaviour)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the simulators' control API answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("the simulators' control API is not reachable at " + options.get("simulators")
                    + " (is PayRoute running with its simulators on?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void progress(int total, long start) {
        boolean terminal = System.console() != null;
        long reported = -1;
        while (!Thread.currentThread().isInterrupted()) {
            long done = sent.get();
            // a terminal gets a live bar; a log gets a line every 10 %
            if (terminal || done * 10 / total != reported) {
                bar(total, start, !terminal);
                reported = done * 10 / total;
            }
            try {
                Thread.sleep(terminal ? 200 : 1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void bar(int total, long start, boolean newLine) {
        long done = sent.get();
        int width = 30;
        int filled = (int) (width * done / total);
        double seconds = Math.max(0.001, (System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "\r[%s%s] %,d/%,d %3d%% %5.0f/s  ok %,d  failed %,d  pending %,d  other %,d  | %s%s",
                "#".repeat(filled), ".".repeat(width - filled), done, total, 100 * done / total, done / seconds,
                outcomes.get("succeeded").get(), outcomes.get("failed").get(),
                outcomes.get("pending").get() + outcomes.get("requires_action").get(),
                outcomes.get("rejected").get() + outcomes.get("unreachable").get(), phase, newLine ? "\n" : "   ");
        System.out.flush();
    }
}
