import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Provider webhook acknowledgement latency: sends REQUESTS Paystack-signed webhooks (each a distinct provider
 * event) from CONCURRENCY clients to POST /v1/webhooks/paystack and prints the answer time percentiles.
 * Run: java bench/WebhookAck.java http://127.0.0.1:8090 20000 16 sk_test_payroute_sim_paystack
 */
public class WebhookAck {
    public static void main(String[] args) throws Exception {
        String base = args[0];
        int requests = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        String secret = args[3];
        Mac mac = Mac.getInstance("HmacSHA512");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA512"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long[] micros = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        {
            for (int c = 0; c < concurrency; c++) {
                pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        String body = "{\"event\":\"charge.success\",\"data\":{\"id\":" + (9_000_000_000L + i)
                                + ",\"status\":\"success\",\"reference\":\"bench-outside-" + i + "\",\"amount\":5000,"
                                + "\"currency\":\"NGN\",\"gateway_response\":\"Approved\",\"channel\":\"card\"}}";
                        String signature;
                        synchronized (mac) {
                            signature = HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
                        }
                        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/webhooks/paystack"))
                                .header("Content-Type", "application/json").header("x-paystack-signature", signature)
                                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                        long t0 = System.nanoTime();
                        try {
                            int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                            if (status != 200) {
                                failed.incrementAndGet();
                            }
                        } catch (Exception e) {
                            failed.incrementAndGet();
                        }
                        micros[i] = (System.nanoTime() - t0) / 1_000;
                    }
                    return null;
                });
            }
        }
        pool.shutdown();
        pool.awaitTermination(1, java.util.concurrent.TimeUnit.HOURS);
        double seconds = (System.nanoTime() - started) / 1e9;
        Arrays.sort(micros);
        System.out.printf("requests %d, concurrency %d, non-200 %d, %.0f/s%n", requests, concurrency, failed.get(), requests / seconds);
        System.out.printf("ack latency ms: p50 %.2f  p95 %.2f  p99 %.2f  max %.2f%n", micros[requests / 2] / 1e3,
                micros[(int) (requests * 0.95)] / 1e3, micros[(int) (requests * 0.99)] / 1e3, micros[requests - 1] / 1e3);
    }
}
