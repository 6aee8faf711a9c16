package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulators' webhooks over real HTTP to a local receiver, checked with the test's own HMAC code. */
class WebhooksTest extends WebhookReceiverSupport {

    @BeforeAll
    static void shortRetries() {
        sims.setWebhookRetryDelays(Duration.ofMillis(50), Duration.ofMillis(100));
    }

    // ---- helpers ----

    /** A charge whose outcome the token marker decides (success, pending, requires_action, decline_...). */
    static Resp charge(String provider, String marker, String reference) {
        return switch (provider) {
            case "paystack" -> postJson(sims.baseUrl(provider), "/transaction/charge_authorization", PAYSTACK_KEY,
                    PaystackSimulatorTest.chargeBody("AUTH_" + marker, reference));
            case "flutterwave" -> postJson(sims.baseUrl(provider), "/v3/tokenized-charges", FLUTTERWAVE_KEY,
                    FlutterwaveSimulatorTest.body("flw-" + marker, reference, 100.50, "NGN"));
            default -> postForm(sims.baseUrl(provider), "/v1/payment_intents", STRIPE_KEY,
                    StripeSimulatorTest.params("pm_" + marker, reference));
        };
    }

    static Resp settle(String provider, String reference, String status) {
        Resp r = control(sims, "POST", "/sim/" + provider + "/settle",
                "{\"reference\":\"" + reference + "\",\"status\":\"" + status + "\"}");
        assertThat(r.status()).isEqualTo(200);
        return r;
    }

    /** A pending charge, then settled through the control API; returns its reference. */
    static String settledPending(String provider, String status) {
        String ref = ref();
        charge(provider, "pending", ref);
        settle(provider, ref, status);
        return ref;
    }

    /** Settles a pending charge through the control API; returns the one webhook that announces it, checked authentic. */
    static JsonNode settleAndReceive(String provider, String reference, String status) throws Exception {
        settle(provider, reference, status);
        WebhookReceiver.Received hook = receiver.next(WAIT);
        assertAuthentic(provider, hook);
        return hook.json();
    }

    /** The provider's latest delivery once it is delivered or given up. */
    static WebhookDelivery awaitFinished(String provider) throws InterruptedException {
        return awaitDelivery(provider, d -> d.state() != WebhookDelivery.State.DELIVERING);
    }

    static WebhookDelivery awaitDelivery(String provider, Predicate<WebhookDelivery> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<WebhookDelivery> ds = sims.webhookDeliveries(provider);
            if (!ds.isEmpty() && done.test(ds.get(ds.size() - 1))) {
                return ds.get(ds.size() - 1);
            }
            Thread.sleep(20); // polls with a deadline: delivery is asynchronous
        }
        throw new AssertionError("no finished webhook delivery for " + provider + ": " + sims.webhookDeliveries(provider));
    }

    // ---- one webhook per settled pending charge, in each provider's format ----

    @Test
    void paystackSettledSuccessIsOneSignedChargeSuccess() throws Exception {
        String ref = ref();
        Resp pending = charge("paystack", "pending", ref);
        assertThat(pending.json().at("/data/status").asText()).isEqualTo("pending");
        receiver.expectNothing(QUIET); // the default (async) says nothing about the answer itself

        JsonNode body = settleAndReceive("paystack", ref, "succeeded");
        assertThat(body.get("event").asText()).isEqualTo("charge.success");
        JsonNode data = body.get("data");
        assertThat(data.get("reference").asText()).isEqualTo(ref);
        assertThat(data.get("status").asText()).isEqualTo("success");
        assertThat(data.get("id").asLong()).isEqualTo(pending.json().at("/data/id").asLong());
        assertThat(data.get("amount").asLong()).isEqualTo(50000);
        assertThat(data.get("currency").asText()).isEqualTo("NGN");
        assertThat(data.at("/metadata/payroute_reference").asText()).isEqualTo(ref);
        assertThat(data.at("/authorization/authorization_code").asText()).isEqualTo("AUTH_pending");
        // the transaction object is the one verify returns
        JsonNode verified = get(sims.baseUrl("paystack"), "/transaction/verify/" + ref, PAYSTACK_KEY).json().get("data");
        assertThat(data).isEqualTo(verified);
        receiver.expectNothing(QUIET);

        WebhookDelivery d = awaitDelivery("paystack", x -> x.state() == WebhookDelivery.State.DELIVERED);
        assertThat(d.event()).isEqualTo("charge.success");
        assertThat(d.reference()).isEqualTo(ref);
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.error()).isNull();
    }

    @Test
    void paystackSendsNothingForAFailure() throws Exception {
        settledPending("paystack", "failed");
        receiver.expectNothing(QUIET);
        assertThat(sims.webhookDeliveries("paystack")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"succeeded, successful, Approved", "failed, failed, Declined"})
    void flutterwaveSettledChargeIsOneChargeCompleted(String settledAs, String status, String processorResponse) throws Exception {
        String txRef = ref();
        Resp pending = charge("flutterwave", "pending", txRef);
        JsonNode body = settleAndReceive("flutterwave", txRef, settledAs);
        assertThat(body.get("event").asText()).isEqualTo("charge.completed");
        assertThat(body.get("event.type").asText()).isEqualTo("CARD_TRANSACTION");
        JsonNode data = body.get("data");
        assertThat(data.get("id").asLong()).isEqualTo(pending.json().at("/data/id").asLong());
        assertThat(data.get("tx_ref").asText()).isEqualTo(txRef);
        assertThat(data.get("flw_ref").asText()).isNotBlank();
        assertThat(data.get("status").asText()).isEqualTo(status);
        assertThat(data.get("processor_response").asText()).isEqualTo(processorResponse);
        assertThat(data.get("amount").decimalValue()).isEqualByComparingTo("100.50"); // major units
        assertThat(data.get("currency").asText()).isEqualTo("NGN");
        JsonNode verified = get(sims.baseUrl("flutterwave"), "/v3/transactions/verify_by_reference?tx_ref=" + txRef,
                FLUTTERWAVE_KEY).json().get("data");
        assertThat(data).isEqualTo(verified);
        receiver.expectNothing(QUIET);
    }

    @ParameterizedTest
    @CsvSource({"succeeded, payment_intent.succeeded, succeeded", "failed, payment_intent.payment_failed, requires_payment_method"})
    void stripeSettledIntentIsOneSignedEvent(String settledAs, String type, String status) throws Exception {
        String ref = ref();
        Resp processing = charge("stripe", "pending", ref);
        assertThat(processing.json().get("status").asText()).isEqualTo("processing");
        String id = processing.json().get("id").asText();
        JsonNode event = settleAndReceive("stripe", ref, settledAs);
        assertThat(event.get("id").asText()).startsWith("evt_");
        assertThat(event.get("object").asText()).isEqualTo("event");
        assertThat(event.get("type").asText()).isEqualTo(type);
        assertThat(event.get("api_version").asText()).isNotBlank();
        assertThat(event.get("created").isIntegralNumber()).isTrue();
        assertThat(event.get("livemode").asBoolean()).isFalse();
        assertThat(event.get("pending_webhooks").asInt()).isEqualTo(1);
        JsonNode pi = event.at("/data/object");
        assertThat(pi.get("object").asText()).isEqualTo("payment_intent");
        assertThat(pi.get("id").asText()).isEqualTo(id);
        assertThat(pi.get("status").asText()).isEqualTo(status);
        assertThat(pi.at("/metadata/payroute_reference").asText()).isEqualTo(ref);
        assertThat(pi).isEqualTo(get(sims.baseUrl("stripe"), "/v1/payment_intents/" + id, STRIPE_KEY).json());
        receiver.expectNothing(QUIET);
    }

    // ---- send modes, URL ----

    @ParameterizedTest
    @CsvSource({"paystack, charge.success", "flutterwave, charge.completed", "stripe, payment_intent.succeeded"})
    void sendAllAnnouncesAnImmediateSuccess(String provider, String event) throws Exception {
        sims.setWebhookSend(provider, WebhookSend.ALL);
        String ref = ref();
        assertThat(charge(provider, "success", ref).status()).isEqualTo(200);
        WebhookReceiver.Received hook = receiver.next(WAIT);
        assertAuthentic(provider, hook);
        assertThat(awaitDelivery(provider, d -> d.state() == WebhookDelivery.State.DELIVERED))
                .satisfies(d -> {
                    assertThat(d.event()).isEqualTo(event);
                    assertThat(d.reference()).isEqualTo(ref);
                });
        receiver.expectNothing(QUIET);
    }

    @Test
    void sendAllAnnouncesAnImmediateDecline() throws Exception {
        sims.setWebhookSend("stripe", WebhookSend.ALL);
        assertThat(charge("stripe", "decline_insufficient_funds", ref()).status()).isEqualTo(402);
        JsonNode event = receiver.next(WAIT).json();
        assertThat(event.get("type").asText()).isEqualTo("payment_intent.payment_failed");
        assertThat(event.at("/data/object/last_payment_error/decline_code").asText()).isEqualTo("insufficient_funds");
    }

    @Test
    void asyncIsTheDefaultAndSaysNothingAboutImmediateOutcomes() throws Exception {
        assertThat(sims.webhooks("stripe").send()).isEqualTo(WebhookSend.ASYNC);
        charge("stripe", "success", ref());
        charge("flutterwave", "decline_do_not_honor", ref());
        receiver.expectNothing(QUIET);
    }

    @ParameterizedTest
    @ValueSource(strings = {"paystack", "flutterwave", "stripe"})
    void sendNoneSendsNothing(String provider) throws Exception {
        sims.setWebhookSend(provider, WebhookSend.NONE);
        settledPending(provider, "succeeded");
        receiver.expectNothing(QUIET);
        assertThat(sims.webhookDeliveries(provider)).isEmpty();
    }

    @Test
    void noUrlSendsNothing() throws Exception {
        sims.setWebhookUrl("stripe", null);
        sims.setWebhookSend("stripe", WebhookSend.ALL);
        settledPending("stripe", "succeeded");
        charge("stripe", "success", ref());
        receiver.expectNothing(QUIET);
        assertThat(sims.webhookDeliveries("stripe")).isEmpty();
    }

    // ---- delivery ----

    @Test
    void retriesUntilTheReceiverAnswers2xx() throws Exception {
        receiver.answerNext(500, 500);
        String ref = settledPending("paystack", "succeeded");

        WebhookDelivery d = awaitFinished("paystack");
        assertThat(d.state()).isEqualTo(WebhookDelivery.State.DELIVERED);
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.statusCode()).isEqualTo(200);
        assertThat(d.error()).isNull();
        assertThat(d.url()).isEqualTo(receiver.url("/hooks/paystack"));
        List<WebhookReceiver.Received> attempts = receiver.drain();
        assertThat(attempts).hasSize(3);
        for (WebhookReceiver.Received a : attempts) {
            assertAuthentic("paystack", a);
            assertThat(a.body()).isEqualTo(attempts.get(0).body());
        }

        JsonNode listed = control(sims, "GET", "/sim/paystack/webhooks/deliveries", null).json();
        assertThat(listed.get("provider").asText()).isEqualTo("paystack");
        JsonNode row = listed.at("/deliveries/0");
        assertThat(row.get("event").asText()).isEqualTo("charge.success");
        assertThat(row.get("reference").asText()).isEqualTo(ref);
        assertThat(row.get("url").asText()).isEqualTo(receiver.url("/hooks/paystack").toString());
        assertThat(row.get("attempts").asInt()).isEqualTo(3);
        assertThat(row.get("status_code").asInt()).isEqualTo(200);
        assertThat(row.get("error").isNull()).isTrue();
        assertThat(row.get("state").asText()).isEqualTo("delivered");
        assertThat(Instant.parse(row.get("sent_at").asText())).isBefore(Instant.now().plusSeconds(1));
    }

    @Test
    void givesUpAfterThreeAttempts() throws Exception {
        receiver.answerNext(503, 503, 503);
        String ref = settledPending("stripe", "failed");
        WebhookDelivery d = awaitFinished("stripe");
        assertThat(d.state()).isEqualTo(WebhookDelivery.State.FAILED);
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.statusCode()).isEqualTo(503);
        assertThat(d.error()).isEqualTo("HTTP 503");
        assertThat(d.reference()).isEqualTo(ref);
        assertThat(receiver.drain()).hasSize(3);
    }

    @Test
    void anUnreachableReceiverIsRecordedAsAnError() throws Exception {
        sims.setWebhookUrl("flutterwave", java.net.URI.create("http://127.0.0.1:1/hooks")); // nothing listens on port 1
        String ref = settledPending("flutterwave", "succeeded");
        WebhookDelivery d = awaitFinished("flutterwave");
        assertThat(d.state()).isEqualTo(WebhookDelivery.State.FAILED);
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.statusCode()).isNull();
        assertThat(d.error()).contains("ConnectException");
        assertThat(d.reference()).isEqualTo(ref);
    }

    @Test
    void theSettleAnswerDoesNotWaitForTheWebhook() throws Exception {
        receiver.hold();
        String ref = ref();
        charge("flutterwave", "pending", ref);
        long start = System.nanoTime();
        settle("flutterwave", ref, "succeeded");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        receiver.next(WAIT); // arrived, still unanswered
        assertThat(sims.webhookDeliveries("flutterwave")).singleElement()
                .satisfies(d -> assertThat(d.state()).isEqualTo(WebhookDelivery.State.DELIVERING));
        receiver.release();
        awaitDelivery("flutterwave", d -> d.state() == WebhookDelivery.State.DELIVERED);
    }

    @Test
    void clearingTheLedgerForgetsDeliveries() throws Exception {
        settledPending("paystack", "succeeded");
        awaitDelivery("paystack", d -> d.state() == WebhookDelivery.State.DELIVERED);
        assertThat(control(sims, "DELETE", "/sim/paystack/ledger", null).status()).isEqualTo(204);
        assertThat(control(sims, "GET", "/sim/paystack/webhooks/deliveries", null).json().get("deliveries")).isEmpty();
    }

    // ---- auto-settle ----

    @Test
    void pendingChargesSettleByThemselvesAndAreAnnounced() throws Exception {
        Resp put = control(sims, "PUT", "/sim/flutterwave/behaviour", "{\"pending_settle_ms\":100}");
        assertThat(put.json().get("pending_settle_ms").asLong()).isEqualTo(100);
        String pending = ref();
        String action = ref();
        charge("flutterwave", "requires_action", action);
        charge("flutterwave", "pending", pending);

        JsonNode hook = receiver.next(WAIT).json();
        assertThat(hook.at("/data/tx_ref").asText()).isEqualTo(pending);
        assertThat(hook.at("/data/status").asText()).isEqualTo("successful");
        assertThat(sims.ledger("flutterwave", pending)).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(LedgerEntry.SUCCEEDED));
        // requires_action waits for the customer, not for the provider
        receiver.expectNothing(QUIET);
        assertThat(sims.ledger("flutterwave", action)).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(LedgerEntry.REQUIRES_ACTION));
    }

    @Test
    void autoSettleFailsWithTheDeclineRate() throws Exception {
        sims.setBehaviour("stripe", testBehaviour().withRates(1.0, 0).withPendingSettleMs(50));
        String ref = ref();
        charge("stripe", "pending", ref);
        JsonNode event = receiver.next(WAIT).json();
        assertThat(event.get("type").asText()).isEqualTo("payment_intent.payment_failed");
        assertThat(event.at("/data/object/metadata/payroute_reference").asText()).isEqualTo(ref);
        assertThat(sims.ledger("stripe", ref)).singleElement()
                .satisfies(e -> assertThat(e.status()).isEqualTo(LedgerEntry.FAILED));
    }

    @Test
    void aChargeSettledByHandIsNotSettledAgain() throws Exception {
        sims.setBehaviour("paystack", testBehaviour().withPendingSettleMs(200));
        settledPending("paystack", "succeeded");
        receiver.next(WAIT);
        receiver.expectNothing(QUIET);
        assertThat(sims.webhookDeliveries("paystack")).hasSize(1);
    }

    // ---- settings ----

    @Test
    void resetRestoresTheConfiguredWebhookSettings() {
        sims.setWebhookSend("stripe", WebhookSend.NONE);
        sims.reset(testBehaviour());
        assertThat(sims.webhooks("stripe")).isEqualTo(WebhookSettings.defaults());
        assertThat(sims.webhookDeliveries("stripe")).isEmpty();
    }

    @Test
    void configuredWebhooksAreUsedFromTheStart() throws Exception {
        SimulatorSettings settings = testSettings().withProvider("stripe", ProviderSettings.defaults("stripe").withPort(0)
                .withWebhooks(new WebhookSettings(receiver.url("/configured"), WebhookSend.ALL))
                .withWebhookSecret("whsec_other"));
        try (Simulators own = Simulators.start(settings)) {
            postForm(own.baseUrl("stripe"), "/v1/payment_intents", STRIPE_KEY, StripeSimulatorTest.params("pm_success", ref()));
            WebhookReceiver.Received hook = receiver.next(WAIT);
            assertThat(hook.path()).isEqualTo("/configured");
            String header = hook.header("Stripe-Signature");
            String t = header.substring(2, header.indexOf(','));
            assertThat(header).endsWith("v1=" + hmacHex("HmacSHA256", "whsec_other",
                    (t + "." + new String(hook.body(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
            own.setWebhookSend("stripe", WebhookSend.NONE);
            own.reset(testBehaviour());
            assertThat(own.webhooks("stripe")).isEqualTo(new WebhookSettings(receiver.url("/configured"), WebhookSend.ALL));
        }
    }
}
