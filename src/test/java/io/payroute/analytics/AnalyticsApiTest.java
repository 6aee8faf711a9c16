package io.payroute.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.net.InetSocketAddress;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpServer;
import io.payroute.charge.Ids;
import io.payroute.simulator.Behaviour;
import io.payroute.support.ApiTestSupport;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The analytics API over real charges (HTTP through the simulators), its merchant scope, and failure-spike alerts
 * opened and resolved from SQL, with their metric and their events on the broker.
 */
class AnalyticsApiTest extends ApiTestSupport {

    private static final String OTHER_MERCHANT = "merchant_analytics_other";

    @Autowired
    private FailureSpikes failureSpikes;
    @Autowired
    private ConnectionFactory connectionFactory;

    @Test
    void successRatesVolumeAndFailuresCountTheWindowsCharges() {
        JsonNode byProvider = get("/v1/analytics/success-rates?by=provider&window=1h").json();
        JsonNode byBank = get("/v1/analytics/success-rates?by=bank").json();
        JsonNode volume = get("/v1/analytics/volume?window=15m").json();
        JsonNode failures = get("/v1/analytics/failures?window=1h").json();

        charge(chargeBody(10_000, "NGN", Map.of("paystack", "AUTH_success")), "succeeded");
        charge(chargeBody(20_000, "NGN", Map.of("paystack", "AUTH_success")), "succeeded");
        charge(chargeBody(30_000, "NGN", Map.of("paystack", "AUTH_decline_insufficient_funds")), "failed");
        // the router picks Paystack or Stripe for a card
        int cardAtPaystack = charge(cardBody(4_000, "USD", "5399830000000008"), "succeeded").get("provider").asText()
                .equals("paystack") ? 1 : 0;

        JsonNode paystack = group(get("/v1/analytics/success-rates?by=provider&window=1h").json(), "paystack");
        assertThat(paystack.get("charges").asLong() - countOf(byProvider, "paystack", "charges")).isEqualTo(3 + cardAtPaystack);
        assertThat(paystack.get("succeeded").asLong() - countOf(byProvider, "paystack", "succeeded")).isEqualTo(2 + cardAtPaystack);
        assertThat(paystack.get("failed").asLong() - countOf(byProvider, "paystack", "failed")).isEqualTo(1);
        assertThat(paystack.get("success_rate").asDouble())
                .isCloseTo((double) paystack.get("succeeded").asLong() / (paystack.get("succeeded").asLong() + paystack.get("failed").asLong()), offset(0.0001));
        assertThat(countOf(get("/v1/analytics/success-rates?by=bank").json(), "539983", "succeeded")
                - countOf(byBank, "539983", "succeeded")).isEqualTo(1);

        JsonNode ngn = group(get("/v1/analytics/volume?window=15m").json(), "NGN");
        assertThat(ngn.get("succeeded_amount").asLong() - countOf(volume, "NGN", "succeeded_amount")).isEqualTo(30_000);
        // Paystack NGN: 1.5 % + 100.00, capped at 2,000.00 (application.yaml): 150 + 10000 and 300 + 10000
        assertThat(ngn.get("fees").asLong() - countOf(volume, "NGN", "fees")).isEqualTo(20_450);

        JsonNode after = get("/v1/analytics/failures?window=1h").json();
        assertThat(after.get("failed_charges").asLong() - failures.get("failed_charges").asLong()).isEqualTo(1);
        assertThat(after.get("charges").toString()).contains("\"code\":\"insufficient_funds\"");
    }

    @Test
    void providersShowOutcomesRoutingSplitAndLatencyAndTheTimeseriesHasTheAttempts() {
        simulators.setBehaviour("stripe", Behaviour.defaults().withLatency(120, 0));
        JsonNode before = get("/v1/analytics/providers?window=15m").json();
        // Flutterwave refuses (503, not charged): the charge fails over to Stripe
        JsonNode failedOver = charge(chargeBody(5_000, "USD", Map.of("flutterwave", "flw-t1nf-unavailable", "stripe", "pm_card_success")), "succeeded");
        assertThat(failedOver.at("/attempts/0/outcome").asText()).isEqualTo("NOT_CHARGED");

        JsonNode providers = get("/v1/analytics/providers?window=15m").json();
        JsonNode flutterwave = entry(providers, "provider", "flutterwave");
        JsonNode stripe = entry(providers, "provider", "stripe");
        assertThat(flutterwave.at("/outcomes/NOT_CHARGED").asLong() - entry(before, "provider", "flutterwave").at("/outcomes/NOT_CHARGED").asLong())
                .isEqualTo(1);
        assertThat(flutterwave.get("first_picks").asLong() - entry(before, "provider", "flutterwave").path("first_picks").asLong()).isEqualTo(1);
        assertThat(stripe.at("/outcomes/SUCCESS").asLong() - entry(before, "provider", "stripe").at("/outcomes/SUCCESS").asLong()).isEqualTo(1);
        assertThat(stripe.at("/latency_ms/p99").asDouble()).isGreaterThanOrEqualTo(120);
        long histogram = 0;
        for (JsonNode bucket : stripe.get("latency_histogram")) {
            histogram += bucket.get("count").asLong();
        }
        assertThat(histogram).isEqualTo(stripe.get("attempts").asLong());
        double shares = 0;
        for (JsonNode p : providers.get("data")) {
            shares += p.get("pick_share").asDouble();
        }
        assertThat(shares).isCloseTo(1.0, offset(0.001));

        JsonNode series = get("/v1/analytics/timeseries?window=15m").json();
        assertThat(series.get("bucket_seconds").asLong()).isEqualTo(15);
        long errors = 0;
        for (JsonNode point : series.get("data")) {
            if (point.get("provider").asText().equals("flutterwave")) {
                errors += point.get("errors").asLong();
            }
        }
        assertThat(errors).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aMerchantSeesItsOwnChargesTheAdminSeesEveryone() {
        String mine = charge(chargeBody(7_000, "NGN", Map.of("paystack", "AUTH_success")), "succeeded").get("id").asText();
        String theirs = insertCharge(OTHER_MERCHANT, Instant.now(), "succeeded", "paystack", "tokens", null);

        assertThat(get("/v1/analytics/charges?limit=200").text()).contains(mine).doesNotContain(theirs);
        assertThat(get("/v1/analytics/charges/" + theirs).status()).isEqualTo(404);
        assertThat(admin("GET", "/v1/analytics/charges?limit=200").text()).contains(mine, theirs);
        assertThat(admin("GET", "/v1/analytics/charges?merchant=" + OTHER_MERCHANT).text()).contains(theirs).doesNotContain(mine);
        assertThat(admin("GET", "/v1/analytics/charges/" + theirs).json().get("merchant_id").asText()).isEqualTo(OTHER_MERCHANT);
        assertThat(admin("GET", "/v1/analytics/success-rates?merchant=" + OTHER_MERCHANT).json().get("merchant").asText())
                .isEqualTo(OTHER_MERCHANT);
        assertThat(get("/v1/analytics/success-rates").json().get("merchant").asText()).isEqualTo("merchant_default");
    }

    @Test
    void badParametersAndCredentialsAreProblemsNamingWhatIsWrong() {
        assertProblem(get("/v1/analytics/success-rates?window=2h"), 400, "window");
        assertProblem(get("/v1/analytics/success-rates?by=country"), 400, "by");
        assertProblem(get("/v1/analytics/charges?limit=0"), 400, "limit");
        assertProblem(get("/v1/analytics/charges?status=refunded"), 400, "status");
        assertProblem(get("/v1/analytics/volume?merchant=" + OTHER_MERCHANT), 400, "merchant");
        Response wrongKey = as("not-the-key", "GET", "/v1/analytics/volume", null);
        assertThat(wrongKey.status()).isEqualTo(401);
        assertThat(get("/v1/analytics/charges/ch_nope").status()).isEqualTo(404);
        assertThat(get("/v1/admin/alerts").status()).isEqualTo(401);
    }

    @Test
    void theDrillDownHasAttemptsRoutingScoresEventsAndWebhookDeliveries() throws Exception {
        List<String> received = java.util.Collections.synchronizedList(new ArrayList<>());
        HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        endpoint.createContext("/", ex -> {
            received.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        endpoint.start();
        String endpointId = post("/v1/webhook-endpoints", "{\"url\": \"http://127.0.0.1:" + endpoint.getAddress().getPort()
                + "/hooks\", \"enabled_events\": [\"charge.succeeded\"]}", Map.of()).json().get("id").asText();
        Connection connection = connectionFactory.createConnection();
        connection.start();
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageConsumer published = session.createConsumer(session.createTopic("payroute.charge.events"),
                    "requestId = 'req-drilldown-1'");
            Response created = post("/v1/charges", chargeBody(9_000, "NGN", Map.of("paystack", "AUTH_success", "stripe", "pm_card_success")),
                    Map.of("X-Request-Id", "req-drilldown-1"));
            String id = created.json().get("id").asText();
            long deadline = System.currentTimeMillis() + 10_000;
            JsonNode detail;
            JsonNode delivery;
            do {
                Thread.sleep(50);
                detail = get("/v1/analytics/charges/" + id).json();
                delivery = entry(detail.at("/events/1/deliveries"), "endpoint_id", endpointId);
            } while (!delivery.path("status").asText().equals("succeeded") && System.currentTimeMillis() < deadline);

            assertThat(detail.at("/charge/id").asText()).isEqualTo(id);
            assertThat(detail.at("/charge/attempts/0/outcome").asText()).isEqualTo("SUCCESS");
            assertThat(detail.at("/charge/routing/candidates").size()).isEqualTo(2);
            assertThat(detail.at("/charge/routing/candidates/0/score").isNumber()).isTrue();
            assertThat(detail.get("events")).extracting(e -> e.get("type").asText()).containsExactly("charge.created", "charge.succeeded");
            assertThat(delivery.path("status").asText()).as(detail.toString()).isEqualTo("succeeded");
            assertThat(delivery.at("/attempts/0/status_code").asInt()).isEqualTo(204);
            // the request's correlation id travels with its events, to the merchant's endpoint too
            assertThat(detail.get("events")).allSatisfy(e -> assertThat(e.get("request_id").asText()).isEqualTo("req-drilldown-1"));
            assertThat(received).anySatisfy(body -> assertThat(body).contains(id, "\"request_id\":\"req-drilldown-1\""));
            // and as a property of the messages on the broker
            assertThat(published.receive(5_000)).as("charge.created with requestId").isNotNull();
            assertThat(published.receive(5_000)).as("charge.succeeded with requestId").isNotNull();
        } finally {
            as(MERCHANT_KEY, "DELETE", "/v1/webhook-endpoints/" + endpointId, null);
            endpoint.stop(0);
        }
    }

    @Test
    void aProviderWhoseSuccessRateDropsRaisesAnAlertWithMetricAndEventsUntilItRecovers() throws Exception {
        String provider = "spikeprovider";
        Instant now = Instant.now();
        // baseline: 40 successes 5 to 10 minutes ago; the last minute: 5 successes out of 20
        List<String> baseline = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            baseline.add(insertCharge(OTHER_MERCHANT, now.minusSeconds(300 + i * 7), "succeeded", provider, "tokens", null));
        }
        baseline.forEach(id -> insertAttempt(id, provider, "SUCCESS"));
        for (int i = 0; i < 20; i++) {
            insertAttempt(insertCharge(OTHER_MERCHANT, now.minusSeconds(1 + i), i < 5 ? "succeeded" : "failed", provider, "tokens", null),
                    provider, i < 5 ? "SUCCESS" : "NOT_CHARGED");
        }

        // the service's own (shared) connection: closing it is left to the service
        Connection connection = connectionFactory.createConnection();
        connection.start();
        try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageConsumer events = session.createConsumer(session.createTopic("payroute.charge.events"),
                    "eventType LIKE 'alert.%'");

            failureSpikes.evaluate();
            failureSpikes.evaluate();

            JsonNode open = admin("GET", "/v1/admin/alerts").json().get("data");
            JsonNode alert = entry(open, "value", provider);
            assertThat(open.findValuesAsText("value").stream().filter(provider::equals)).hasSize(1);
            assertThat(alert.get("dimension").asText()).isEqualTo("provider");
            assertThat(alert.get("baseline_rate").asDouble()).isEqualTo(1.0);
            assertThat(alert.get("current_rate").asDouble()).isEqualTo(0.25);
            assertThat(get("/actuator/prometheus").text())
                    .containsPattern("payroute_alerts_open\\{[^}]*dimension=\"provider\"[^}]*value=\"" + provider + "\"[^}]*} 1");
            // other providers may raise alerts of their own from the other tests' charges: this one's events are looked for
            JsonNode opened = alertEvent(events, provider);
            assertThat(opened.get("type").asText()).isEqualTo("alert.opened");
            assertThat(opened.at("/data/object/id").asText()).isEqualTo(alert.get("id").asText());

            // recovered: 200 more successes in the window
            for (int i = 0; i < 200; i++) {
                insertAttempt(insertCharge(OTHER_MERCHANT, now.minusMillis(500 + i), "succeeded", provider, "tokens", null), provider, "SUCCESS");
            }
            failureSpikes.evaluate();

            assertThat(admin("GET", "/v1/admin/alerts").text()).doesNotContain(provider);
            JsonNode resolved = entry(admin("GET", "/v1/admin/alerts?status=all").json().get("data"), "value", provider);
            assertThat(resolved.get("status").asText()).isEqualTo("resolved");
            assertThat(resolved.get("resolved_at").isTextual()).isTrue();
            assertThat(alertEvent(events, provider).get("type").asText()).isEqualTo("alert.resolved");
            assertThat(get("/actuator/prometheus").text()).doesNotContain("value=\"" + provider + "\"");
        }
    }

    /** The next alert event about {@code value}, skipping those about other providers and banks. */
    private static JsonNode alertEvent(MessageConsumer events, String value) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            TextMessage m = (TextMessage) events.receive(Math.max(1, deadline - System.currentTimeMillis()));
            JsonNode event = m == null ? null : JSON.readTree(m.getText());
            if (event != null && event.at("/data/object/value").asText().equals(value)) {
                return event;
            }
        }
        throw new AssertionError("no alert event about " + value);
    }

    private JsonNode charge(String body, String expectedStatus) {
        Response r = postCharge(body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).as(r.text()).isEqualTo(expectedStatus);
        return r.json();
    }

    static String cardBody(long amount, String currency, String number) {
        return """
                {"amount": %d, "currency": "%s", "customer": {"email": "card@example.com"},
                 "payment_method": {"type": "card", "number": "%s", "exp_month": 12, "exp_year": 2031, "cvc": "123"}}"""
                .formatted(amount, currency, number);
    }

    /** A charge row as the flow would leave it, created at {@code at} (its id carries that time). */
    private String insertCharge(String merchant, Instant at, String status, String provider, String method, String bank) {
        String id = Ids.firstChargeIdAt(at).substring(0, 13) + Ids.charge().substring(13);
        jdbc.update("""
                INSERT INTO charges (id, merchant_id, status, amount, currency, customer, payment_method, provider, method, bank,
                                     created_at, updated_at)
                VALUES (?, ?, ?, 1000, 'NGN', '{}', '{"type":"tokens"}', ?, ?, ?, ?, ?)""",
                id, merchant, status, provider, method, bank, Timestamp.from(at), Timestamp.from(at));
        return id;
    }

    private void insertAttempt(String chargeId, String provider, String outcome) {
        jdbc.update("""
                INSERT INTO charge_attempts (charge_id, merchant_id, seq, provider, attempt_reference, outcome, latency_ms, started_at)
                VALUES (?, ?, 1, ?, ?, ?, 100, ?)""", chargeId, OTHER_MERCHANT, provider, Ids.attemptReference(chargeId, 1), outcome,
                Timestamp.from(Instant.now()));
    }

    private static JsonNode group(JsonNode answer, String key) {
        return entry(answer.get("data"), "key", key);
    }

    private static long countOf(JsonNode answer, String key, String field) {
        JsonNode g = entry(answer.get("data"), "key", key);
        return g.path(field).asLong();
    }

    private static JsonNode entry(JsonNode list, String field, String value) {
        JsonNode array = list.has("data") ? list.get("data") : list;
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(value)) {
                return n;
            }
        }
        return MissingNode.getInstance();
    }

    private static void assertProblem(Response r, int status, String field) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().at("/errors/0/field").asText()).isEqualTo(field);
    }
}
