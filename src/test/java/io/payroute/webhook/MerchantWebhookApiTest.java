package io.payroute.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.payroute.support.ApiTestSupport;
import io.payroute.webhook.outbound.WebhookDeliveries;
import org.apache.camel.CamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Merchant webhooks end to end, with real HTTP receivers on 127.0.0.1 (the test profile allows loopback
 * endpoints): registration, signed deliveries verified here with independent HMAC code, retries until a 2xx,
 * isolation from a hanging endpoint, dead-lettering and replay, redelivery, rotation.
 */
class MerchantWebhookApiTest extends ApiTestSupport {

    /** A local endpoint: records what it receives; answers {@code failures} times 500 (or hangs), then 200. */
    static final class Receiver {
        record Received(Map<String, List<String>> headers, String body, Instant at) {
            String header(String name) {
                return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .map(e -> e.getValue().get(0)).findFirst().orElse(null);
            }
        }

        final HttpServer server;
        final List<Received> received = Collections.synchronizedList(new ArrayList<>());
        final List<Received> accepted = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger failures = new AtomicInteger();
        volatile boolean hang;

        Receiver() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks";
        }

        private void handle(HttpExchange ex) throws IOException {
            Received r = new Received(Map.copyOf(ex.getRequestHeaders()),
                    new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), Instant.now());
            received.add(r);
            if (hang) {
                try {
                    Thread.sleep(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 200;
            if (status == 200) {
                accepted.add(r);
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        }

        List<Received> acceptedOfType(String type) {
            synchronized (accepted) {
                return accepted.stream().filter(r -> r.body().contains("\"type\":\"" + type + "\"")).toList();
            }
        }
    }

    private final List<Receiver> receivers = new ArrayList<>();
    @Autowired
    private WebhookDeliveries deliveries;
    @Autowired
    private CamelContext camel;

    @BeforeEach
    void noEndpointsLeftOver() {
        JsonNode list = get("/v1/webhook-endpoints").json();
        list.get("data").forEach(e -> send("DELETE", "/v1/webhook-endpoints/" + e.get("id").asText(), null));
    }

    @AfterEach
    void stopReceivers() {
        receivers.forEach(r -> r.server.stop(0));
    }

    private Receiver receiver() throws IOException {
        Receiver r = new Receiver();
        receivers.add(r);
        return r;
    }

    private Response send(String method, String path, String body) {
        return as(MERCHANT_KEY, method, path, body);
    }

    private JsonNode register(String url, String... events) {
        String body = JSON.createObjectNode().put("url", url).<com.fasterxml.jackson.databind.node.ObjectNode>set("enabled_events",
                JSON.valueToTree(List.of(events))).toString();
        Response r = post("/v1/webhook-endpoints", body, Map.of());
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json();
    }

    private String succeededCharge() {
        JsonNode charge = postCharge(chargeBody(2_500, "NGN", Map.of("paystack", "AUTH_success"))).json();
        assertThat(charge.get("status").asText()).isEqualTo("succeeded");
        return charge.get("id").asText();
    }

    private static void await(String what, long timeoutMs, BooleanSupplier done) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (!done.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Verifies PayRoute-Signature as a merchant would (docs/webhooks.md): any v1 matching HMAC-SHA256("t.body"). */
    private static boolean signedWith(Receiver.Received r, String secret) {
        String header = r.header("PayRoute-Signature");
        long t = 0;
        List<String> v1 = new ArrayList<>();
        for (String part : header.split(",")) {
            String[] kv = part.split("=", 2);
            if (kv[0].equals("t")) {
                t = Long.parseLong(kv[1]);
            } else if (kv[0].equals("v1")) {
                v1.add(kv[1]);
            }
        }
        if (Math.abs(Instant.now().getEpochSecond() - t) > 300) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String expected = HexFormat.of().formatHex(mac.doFinal((t + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
            return v1.contains(expected);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private JsonNode eventOf(String chargeId, String type) {
        JsonNode list = get("/v1/events?charge=" + chargeId + "&type=" + type).json();
        assertThat(list.get("data")).as(list.toString()).hasSize(1);
        return list.get("data").get(0);
    }

    @Test
    void registrationShowsTheSecretOnceAndRefusesBadOrInternalUrls() {
        JsonNode created = register("http://127.0.0.1:9/hooks", "charge.succeeded", "charge.failed");
        assertThat(created.get("secret").asText()).startsWith("whsec_").hasSizeGreaterThan(40);
        assertThat(created.get("status").asText()).isEqualTo("enabled");
        String id = created.get("id").asText();
        JsonNode read = get("/v1/webhook-endpoints/" + id).json();
        assertThat(read.has("secret")).isFalse();
        assertThat(read.get("enabled_events").toString()).isEqualTo("[\"charge.succeeded\",\"charge.failed\"]");
        assertThat(get("/v1/webhook-endpoints").json().get("data").toString()).contains(id).doesNotContain("whsec_");
        assertThat(jdbc.queryForObject("SELECT secret FROM webhook_endpoints WHERE id = ?", String.class, id))
                .as("sealed at rest").doesNotContain(created.get("secret").asText());

        for (String[] bad : new String[][] {
                {"{\"url\": \"http://10.1.2.3/hooks\", \"enabled_events\": [\"*\"]}", "url"},
                {"{\"url\": \"http://169.254.169.254/latest/meta-data\", \"enabled_events\": [\"*\"]}", "url"},
                {"{\"url\": \"http://[fd00::1]/hooks\", \"enabled_events\": [\"*\"]}", "url"},
                {"{\"url\": \"ftp://example.com/x\", \"enabled_events\": [\"*\"]}", "url"},
                {"{\"url\": \"http://127.0.0.1:9/x\", \"enabled_events\": [\"charge.refunded_twice\"]}", "enabled_events[0]"},
                {"{\"url\": \"http://127.0.0.1:9/x\"}", "enabled_events"},
                {"{\"url\": \"http://127.0.0.1:9/x\", \"enabled_events\": [\"*\"], \"secret\": \"mine\"}", "secret"}}) {
            Response r = post("/v1/webhook-endpoints", bad[0], Map.of());
            assertThat(r.status()).as(bad[0]).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().get("errors").findValuesAsText("field")).as(bad[0]).contains(bad[1]);
        }
        assertThat(countRows("webhook_endpoints")).isEqualTo(1 + (int) jdbc.queryForObject(
                "SELECT COUNT(*) FROM webhook_endpoints WHERE status = 'deleted'", Integer.class));
    }

    @Test
    void eachSubscribedEventIsDeliveredSignedAndRecordedWithItsAttempts() throws IOException {
        Receiver receiver = receiver();
        String secret = register(receiver.url(), "charge.succeeded").get("secret").asText();
        String chargeId = succeededCharge();

        await("the charge.succeeded delivery", 10_000, () -> receiver.acceptedOfType("charge.succeeded").size() == 1);
        Receiver.Received delivery = receiver.acceptedOfType("charge.succeeded").get(0);
        assertThat(signedWith(delivery, secret)).as(delivery.header("PayRoute-Signature")).isTrue();
        assertThat(signedWith(delivery, "whsec_someone_else")).isFalse();
        JsonNode event = eventOf(chargeId, "charge.succeeded");
        assertThat(delivery.body()).isEqualTo(event.toString());
        assertThat(delivery.header("PayRoute-Event-Id")).isEqualTo(event.get("id").asText());
        assertThat(event.at("/data/object/id").asText()).isEqualTo(chargeId);
        assertThat(event.at("/data/object/status").asText()).isEqualTo("succeeded");
        assertThat(receiver.received).as("not subscribed to charge.created").noneMatch(r -> r.body().contains("\"charge.created\""));

        JsonNode withDeliveries = get("/v1/events/" + event.get("id").asText()).json();
        assertThat(withDeliveries.at("/deliveries/0/status").asText()).isEqualTo("succeeded");
        assertThat(withDeliveries.at("/deliveries/0/attempts/0/status_code").asInt()).isEqualTo(200);
        assertThat(withDeliveries.at("/deliveries/0/attempts/0/latency_ms").isNumber()).isTrue();
        assertThat(get("/v1/events/evt_00000000000000000000000000").status()).isEqualTo(404);
    }

    @Test
    void aFailingEndpointIsRetriedUntilItAnswers2xxThenGetsTheEventExactlyOnce() throws IOException {
        Receiver receiver = receiver();
        receiver.failures.set(2);
        register(receiver.url(), "charge.succeeded");
        String chargeId = succeededCharge();

        await("delivery after two failures", 10_000, () -> receiver.acceptedOfType("charge.succeeded").size() == 1);
        String eventId = eventOf(chargeId, "charge.succeeded").get("id").asText();
        JsonNode delivery = get("/v1/events/" + eventId).json().at("/deliveries/0");
        assertThat(delivery.get("status").asText()).isEqualTo("succeeded");
        assertThat(delivery.get("attempts").findValuesAsText("status_code")).containsExactly("500", "500", "200");
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(receiver.received).as("nothing is sent after the 2xx").hasSize(3);
        assertThat(receiver.acceptedOfType("charge.succeeded")).hasSize(1);
    }

    @Test
    void aHangingEndpointDoesNotDelayDeliveriesToAnother() throws IOException {
        Receiver hanging = receiver();
        hanging.hang = true;
        Receiver healthy = receiver();
        register(hanging.url(), "charge.succeeded");
        register(healthy.url(), "charge.succeeded");

        long started = System.currentTimeMillis();
        for (int i = 0; i < 8; i++) {
            succeededCharge();
        }
        await("8 deliveries to the healthy endpoint", 10_000, () -> healthy.acceptedOfType("charge.succeeded").size() == 8);
        // the hanging endpoint's deliveries time out after 1 s each (test profile), several per consumer if they
        // were not kept apart; the healthy endpoint got all of its deliveries meanwhile
        long last = healthy.acceptedOfType("charge.succeeded").stream().mapToLong(r -> r.at().toEpochMilli()).max().orElseThrow();
        assertThat(last - started).as("ms until the last healthy delivery").isLessThan(4_000);
        assertThat(hanging.received).isNotEmpty();
    }

    /**
     * A delivery message for an attempt another instance holds (it claimed the attempt, then died) is put off until
     * that lease has run out, then makes the attempt. Before, it was rolled back for the broker to redeliver, which
     * dead-letters a message a dead instance's closing consumers had already delivered to each other many times.
     */
    @Test
    void anAttemptADeadInstanceHoldsIsMadeOnceItsLeaseHasRunOut() throws IOException {
        Receiver receiver = receiver();
        register(receiver.url(), "charge.succeeded");
        String eventId = eventOf(succeededCharge(), "charge.succeeded").get("id").asText();
        await("the first delivery", 10_000, () -> receiver.acceptedOfType("charge.succeeded").size() == 1);
        String deliveryId = get("/v1/events/" + eventId).json().at("/deliveries/0/id").asText();

        // an instance took attempt 2 (a redelivery asked for) and died with it, its claim good for 2 s more
        Instant leaseUntil = Instant.now().plusSeconds(2);
        jdbc.update("UPDATE webhook_deliveries SET status = 'delivering', attempts = 2, claimed_until = ? WHERE id = ?",
                java.sql.Timestamp.from(leaseUntil), deliveryId);
        deliveries.deliver(deliveryId, 2, new DefaultExchange(camel));

        await("the attempt the dead instance held", 10_000, () -> receiver.acceptedOfType("charge.succeeded").size() == 2);
        Receiver.Received second = receiver.acceptedOfType("charge.succeeded").get(1);
        assertThat(second.header("PayRoute-Delivery-Attempt")).isEqualTo("2");
        assertThat(second.at()).as("not while the other instance's claim lasted").isAfter(leaseUntil);
        await("the delivery to be marked succeeded", 5_000,
                () -> "succeeded".equals(get("/v1/events/" + eventId).json().at("/deliveries/0/status").asText()));
        assertThat(receiver.received).as("the attempt made once").hasSize(2);
    }

    @Test
    void exhaustedDeliveriesAreDeadLetteredAndAReplayDeliversThem() throws IOException {
        Receiver receiver = receiver();
        receiver.failures.set(1_000);
        register(receiver.url(), "charge.succeeded");
        String chargeId = succeededCharge();
        String eventId = eventOf(chargeId, "charge.succeeded").get("id").asText();

        // 1 attempt + 3 retries (test profile), then the dead-letter queue
        await("the delivery to fail", 10_000, () -> "failed".equals(get("/v1/events/" + eventId).json().at("/deliveries/0/status").asText()));
        assertThat(receiver.received).hasSize(4);
        JsonNode deadLetter = null;
        long deadline = System.currentTimeMillis() + 5_000;
        while (deadLetter == null && System.currentTimeMillis() < deadline) {
            for (JsonNode d : admin("GET", "/v1/admin/dead-letters").json().get("data")) {
                if ("webhook_delivery_failed".equals(d.get("code").asText()) && d.get("reason").asText().contains(receiver.url())) {
                    deadLetter = d;
                }
            }
        }
        assertThat(deadLetter).isNotNull();
        assertThat(deadLetter.get("history").size()).isEqualTo(4);

        receiver.failures.set(0);
        assertThat(admin("POST", "/v1/admin/dead-letters/" + deadLetter.get("id").asText() + "/replay").status()).isEqualTo(200);
        await("the replayed delivery", 10_000, () -> receiver.acceptedOfType("charge.succeeded").size() == 1);
        await("the delivery to be marked succeeded", 5_000,
                () -> "succeeded".equals(get("/v1/events/" + eventId).json().at("/deliveries/0/status").asText()));
        assertThat(get("/v1/events/" + eventId).json().at("/deliveries/0/attempt_count").asInt()).isEqualTo(5);
    }

    @Test
    void disabledEndpointsGetNothingRedeliveryResendsAndRotationSignsWithBothSecrets() throws IOException {
        Receiver receiver = receiver();
        JsonNode endpoint = register(receiver.url(), "*");
        String id = endpoint.get("id").asText();
        String oldSecret = endpoint.get("secret").asText();

        assertThat(send("POST", "/v1/webhook-endpoints/" + id, "{\"disabled\": true}").json().get("status").asText()).isEqualTo("disabled");
        String quietCharge = succeededCharge();
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        assertThat(receiver.received).as("disabled endpoint").isEmpty();

        assertThat(send("POST", "/v1/webhook-endpoints/" + id, "{\"disabled\": false}").json().get("status").asText()).isEqualTo("enabled");
        Response rotated = send("POST", "/v1/webhook-endpoints/" + id + "/rotate-secret", null);
        String newSecret = rotated.json().get("secret").asText();
        assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);

        // the event of the quiet charge, sent again on request
        String eventId = eventOf(quietCharge, "charge.succeeded").get("id").asText();
        Response redelivered = send("POST", "/v1/events/" + eventId + "/redeliver", null);
        assertThat(redelivered.status()).as(redelivered.text()).isEqualTo(202);
        await("the redelivery", 10_000, () -> receiver.acceptedOfType("charge.succeeded").size() == 1);
        Receiver.Received r = receiver.acceptedOfType("charge.succeeded").get(0);
        assertThat(r.header("PayRoute-Event-Id")).isEqualTo(eventId);
        assertThat(signedWith(r, newSecret)).as("new secret").isTrue();
        assertThat(signedWith(r, oldSecret)).as("previous secret, during the overlap").isTrue();

        assertThat(send("DELETE", "/v1/webhook-endpoints/" + id, null).json().get("deleted").asBoolean()).isTrue();
        assertThat(get("/v1/webhook-endpoints/" + id).status()).isEqualTo(404);
        assertThat(send("POST", "/v1/events/" + eventId + "/redeliver", "{\"endpoint_id\": \"" + id + "\"}").status()).isEqualTo(400);
    }
}
