package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The refund flow every provider shares (the engine's rules, outcomes, settling, webhooks, ledger, control API),
 * each case run against every provider over real HTTP in its own wire format.
 */
class RefundsTest extends WebhookReceiverSupport {

    // ---- helpers: one refund call per provider, in its own format ----

    /** What the helpers' charges take, in MINOR units: Paystack 500.00 NGN, Flutterwave 100.50 NGN, Stripe 25.00 USD. */
    static long charged(String provider) {
        return switch (provider) {
            case "paystack" -> 50_000;
            case "flutterwave" -> 10_050;
            default -> 2_500;
        };
    }

    /** A charge whose token carries {@code marker} (success, refund_pending, decline_..., ...). */
    static Resp charge(String provider, String marker) {
        return WebhooksTest.charge(provider, marker, ref());
    }

    /** A charge that succeeded, its refunds going the way {@code marker} says. */
    static Resp succeeded(String provider, String marker) {
        Resp r = charge(provider, marker);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r;
    }

    /** The provider's id of the charge a charge call answered. */
    static String chargeId(String provider, Resp charge) {
        return provider.equals("stripe") ? charge.json().get("id").asText() : charge.json().at("/data/id").asText();
    }

    /** Refunds {@code amountMinor} (null: all that is left) of the charge {@code charge} answered. */
    static Resp refund(String provider, Resp charge, Long amountMinor) {
        String id = chargeId(provider, charge);
        return switch (provider) {
            case "paystack" -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("transaction", charge.json().at("/data/reference").asText());
                if (amountMinor != null) {
                    body.put("amount", amountMinor);
                }
                yield postJson(sims.baseUrl(provider), "/refund", PAYSTACK_KEY, body);
            }
            case "flutterwave" -> postJson(sims.baseUrl(provider), "/v3/transactions/" + id + "/refund", FLUTTERWAVE_KEY,
                    amountMinor == null ? Map.of() : Map.of("amount", BigDecimal.valueOf(amountMinor, 2)));
            default -> {
                Map<String, String> p = new LinkedHashMap<>();
                p.put("payment_intent", id);
                if (amountMinor != null) {
                    p.put("amount", String.valueOf(amountMinor));
                }
                yield postForm(sims.baseUrl(provider), "/v1/refunds", STRIPE_KEY, p);
            }
        };
    }

    /** The refund object in a refund answer (create or fetch). */
    static JsonNode refundObject(String provider, Resp refund) {
        return provider.equals("stripe") ? refund.json() : refund.json().get("data");
    }

    static String refundId(String provider, Resp refund) {
        return refundObject(provider, refund).get("id").asText();
    }

    /** The refund's status in the ledger's words (succeeded | pending | failed), from the provider's. */
    static String status(String provider, JsonNode refund) {
        String s = refund.get("status").asText();
        return switch (s) {
            case "processed", "completed" -> LedgerEntry.SUCCEEDED;
            default -> s;
        };
    }

    static Resp fetch(String provider, String refundId) {
        return switch (provider) {
            case "paystack" -> get(sims.baseUrl(provider), "/refund/" + refundId, PAYSTACK_KEY);
            case "flutterwave" -> get(sims.baseUrl(provider), "/v3/refunds/" + refundId, FLUTTERWAVE_KEY);
            default -> get(sims.baseUrl(provider), "/v1/refunds/" + refundId, STRIPE_KEY);
        };
    }

    static String fetchedStatus(String provider, String refundId) {
        Resp r = fetch(provider, refundId);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return status(provider, refundObject(provider, r));
    }

    static Resp settleRefund(String provider, String refundId, String status) {
        return control(sims, "POST", "/sim/" + provider + "/refunds/settle",
                "{\"id\":\"" + refundId + "\",\"status\":\"" + status + "\"}");
    }

    static LedgerEntry ledgerEntry(String provider) {
        List<LedgerEntry> entries = sims.ledger(provider);
        assertThat(entries).hasSize(1);
        return entries.get(0);
    }

    /** Waits for the refund to reach {@code status} (settling is asynchronous). */
    static void awaitStatus(String provider, String refundId, String status) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!fetchedStatus(provider, refundId).equals(status)) {
            assertThat(System.nanoTime()).as("refund " + refundId + " " + status + " in time").isLessThan(deadline);
            Thread.sleep(20); // polls with a deadline: settling happens on the simulator's timer
        }
    }

    // ---- the engine's rules ----

    @ParameterizedTest
    @ValueSource(strings = {"paystack", "flutterwave", "stripe"})
    void fiftyConcurrentTenthsRefundExactlyTheChargedAmount(String provider) {
        Resp charge = succeeded(provider, "success");
        long tenth = charged(provider) / 10;
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(HTTP.sendAsync(refundRequest(provider, charge, tenth), HttpResponse.BodyHandlers.ofString()));
        }
        int accepted = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            int status = c.orTimeout(20, TimeUnit.SECONDS).join().statusCode();
            if (status == 200) {
                accepted++;
            } else {
                assertThat(status).isEqualTo(400);
                refused++;
            }
        }
        assertThat(accepted).isEqualTo(10);
        assertThat(refused).isEqualTo(40);

        JsonNode entry = control(sims, "GET", "/sim/" + provider + "/ledger", null).json().at("/entries/0");
        assertThat(entry.get("refunded_amount").asLong()).isEqualTo(charged(provider));
        assertThat(entry.get("refunds")).hasSize(10);
        entry.get("refunds").forEach(r -> assertThat(r.get("amount").asLong()).isEqualTo(tenth));
        assertThat(ledgerEntry(provider).refundedAmount()).isEqualTo(charged(provider));
    }

    /** The request {@link #refund} sends, for concurrent use. */
    private static java.net.http.HttpRequest refundRequest(String provider, Resp charge, long amountMinor) {
        String id = chargeId(provider, charge);
        try {
            return switch (provider) {
                case "paystack" -> request(sims.baseUrl(provider), "/refund", PAYSTACK_KEY)
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(
                                Map.of("transaction", id, "amount", amountMinor)))).build();
                case "flutterwave" -> request(sims.baseUrl(provider), "/v3/transactions/" + id + "/refund", FLUTTERWAVE_KEY)
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(
                                Map.of("amount", BigDecimal.valueOf(amountMinor, 2))))).build();
                default -> formRequest(sims.baseUrl(provider), "/v1/refunds", STRIPE_KEY,
                        Map.of("payment_intent", id, "amount", String.valueOf(amountMinor))).build();
            };
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"paystack", "flutterwave", "stripe"})
    void aFailedRefundGivesItsAmountBack(String provider) throws Exception {
        Resp charge = succeeded(provider, "refund_fail");
        Resp failing = refund(provider, charge, null);
        assertThat(failing.status()).isEqualTo(200);
        assertThat(status(provider, refundObject(provider, failing))).isEqualTo(LedgerEntry.PENDING);
        awaitStatus(provider, refundId(provider, failing), LedgerEntry.FAILED);
        assertThat(ledgerEntry(provider).refundedAmount()).isZero();
        assertThat(ledgerEntry(provider).refundableAmount()).isEqualTo(charged(provider));
    }

    @ParameterizedTest
    @ValueSource(strings = {"paystack", "flutterwave", "stripe"})
    void modesAndErrorRateApplyToRefunds(String provider) {
        Resp charge = succeeded(provider, "success");
        sims.setMode(provider, Mode.UNAVAILABLE);
        assertProviderError(provider, refund(provider, charge, null), 503);
        sims.setMode(provider, Mode.NORMAL);
        sims.setBehaviour(provider, testBehaviour().withRates(0, 1.0));
        assertProviderError(provider, refund(provider, charge, null), 503);
        sims.setBehaviour(provider, testBehaviour());
        assertThat(ledgerEntry(provider).refunds()).isEmpty();

        assertProviderError(provider, refund(provider, succeeded(provider, "refund_ratelimited"), null), 429);
        assertThat(sims.ledger(provider)).allSatisfy(e -> assertThat(e.refunds()).isEmpty());
    }

    /** An error answer in the provider's own envelope. */
    static void assertProviderError(String provider, Resp r, int status) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        switch (provider) {
            case "paystack" -> assertThat(r.json().get("status").asBoolean()).isFalse();
            case "flutterwave" -> assertThat(r.json().get("status").asText()).isEqualTo("error");
            default -> assertThat(r.json().at("/error/type").asText()).isNotBlank();
        }
        assertThat(r.json().findValue("message").asText()).isNotBlank();
    }

    @Test
    void aHungProviderAnswersRefundsOnlyWhenItRecovers() {
        Resp charge = succeeded("stripe", "success");
        sims.setMode("stripe", Mode.HANG);
        CompletableFuture<HttpResponse<String>> hung = HTTP.sendAsync(
                refundRequest("stripe", charge, 100), HttpResponse.BodyHandlers.ofString());
        assertThat(hung.completeOnTimeout(null, 300, TimeUnit.MILLISECONDS).join()).isNull();
        sims.setMode("stripe", Mode.NORMAL);
        assertThat(ledgerEntry("stripe").refunds()).isEmpty();
    }

    // ---- outcomes, settling and webhooks ----

    @ParameterizedTest
    @CsvSource({"paystack, refund.processed", "stripe, charge.refund.updated"})
    void aPendingRefundSettledThroughTheControlApiSendsTheSignedRefundWebhook(String provider, String event) throws Exception {
        Resp charge = succeeded(provider, "refund_pending");
        Resp pending = refund(provider, charge, 1000L);
        assertThat(pending.status()).isEqualTo(200);
        String id = refundId(provider, pending);
        assertThat(status(provider, refundObject(provider, pending))).isEqualTo(LedgerEntry.PENDING);
        receiver.expectNothingAbout(id, QUIET); // pending until settled: no auto-settle with pending_settle_ms 0
        assertThat(fetchedStatus(provider, id)).isEqualTo(LedgerEntry.PENDING);

        Resp settled = settleRefund(provider, id, "succeeded");
        assertThat(settled.status()).isEqualTo(200);
        assertThat(settled.json().get("id").asText()).isEqualTo(id);
        assertThat(settled.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(settled.json().get("amount").asLong()).isEqualTo(1000);

        WebhookReceiver.Received hook = receiver.next(WAIT);
        assertAuthentic(provider, hook);
        JsonNode body = hook.json();
        if (provider.equals("paystack")) {
            assertThat(body.get("event").asText()).isEqualTo(event);
            assertThat(body.at("/data/status").asText()).isEqualTo("processed");
            assertThat(body.at("/data/transaction_reference").asText()).isEqualTo(charge.json().at("/data/reference").asText());
            assertThat(body.at("/data/amount").asLong()).isEqualTo(1000);
            assertThat(body.at("/data/currency").asText()).isEqualTo("NGN");
            assertThat(body.at("/data/customer/email").asText()).isEqualTo("ada@example.com");
        } else {
            assertThat(body.get("type").asText()).isEqualTo(event);
            assertThat(body.at("/data/object")).isEqualTo(fetch(provider, id).json());
            assertThat(body.at("/data/object/status").asText()).isEqualTo("succeeded");
        }
        assertThat(fetchedStatus(provider, id)).isEqualTo(LedgerEntry.SUCCEEDED);
        assertThat(sims.webhookDeliveries(provider)).singleElement().satisfies(d -> {
            assertThat(d.event()).isEqualTo(event);
            assertThat(d.reference()).isEqualTo(ledgerEntry(provider).reference());
        });
        receiver.expectNothing(QUIET);
        // settled once: a second settle finds nothing pending
        assertThat(settleRefund(provider, id, "failed").status()).isEqualTo(404);
    }

    @Test
    void flutterwaveSendsNoRefundWebhook() throws Exception {
        sims.setWebhookSend("flutterwave", WebhookSend.ALL);
        Resp pending = refund("flutterwave", succeeded("flutterwave", "refund_pending"), null);
        receiver.next(WAIT); // the charge's own charge.completed
        assertThat(settleRefund("flutterwave", refundId("flutterwave", pending), "failed").status()).isEqualTo(200);
        refund("flutterwave", succeeded("flutterwave", "success"), null);
        receiver.next(WAIT); // the second charge's charge.completed, and nothing for either refund
        receiver.expectNothing(QUIET);
        assertThat(sims.webhookDeliveries("flutterwave")).extracting(WebhookDelivery::event).containsOnly("charge.completed");
    }

    @ParameterizedTest
    @CsvSource({"paystack, refund.failed", "stripe, charge.refund.updated"})
    void aFailingRefundIsAnnouncedWhenItFails(String provider, String event) throws Exception {
        Resp pending = refund(provider, succeeded(provider, "refund_fail"), 700L);
        assertThat(status(provider, refundObject(provider, pending))).isEqualTo(LedgerEntry.PENDING);
        WebhookReceiver.Received hook = receiver.next(WAIT);
        assertAuthentic(provider, hook);
        JsonNode body = hook.json();
        assertThat(body.path(provider.equals("paystack") ? "event" : "type").asText()).isEqualTo(event);
        assertThat(body.at(provider.equals("paystack") ? "/data/status" : "/data/object/status").asText()).isEqualTo("failed");
        if (provider.equals("stripe")) {
            assertThat(body.at("/data/object/failure_reason").asText()).isEqualTo("unknown");
        }
    }

    @Test
    void paystackRefundsAreQueuedThenProcessed() throws Exception {
        // pending_settle_ms 0: processed right after the answer
        Resp queued = refund("paystack", succeeded("paystack", "success"), null);
        assertThat(queued.json().get("message").asText()).isEqualTo("Refund has been queued for processing");
        assertThat(queued.json().at("/data/status").asText()).isEqualTo("pending");
        String id = refundId("paystack", queued);
        JsonNode hook = receiver.next(WAIT).json();
        assertThat(hook.get("event").asText()).isEqualTo("refund.processed");
        assertThat(fetchedStatus("paystack", id)).isEqualTo(LedgerEntry.SUCCEEDED);

        // pending_settle_ms set: processed after it
        sims.setBehaviour("paystack", testBehaviour().withPendingSettleMs(400));
        String later = refundId("paystack", refund("paystack", succeeded("paystack", "success"), null));
        assertThat(fetchedStatus("paystack", later)).isEqualTo(LedgerEntry.PENDING);
        receiver.next(WAIT);
        assertThat(fetchedStatus("paystack", later)).isEqualTo(LedgerEntry.SUCCEEDED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"paystack", "stripe"})
    void markedPendingRefundsSettleByThemselvesWithPendingSettleMs(String provider) throws Exception {
        sims.setBehaviour(provider, testBehaviour().withPendingSettleMs(100));
        String id = refundId(provider, refund(provider, succeeded(provider, "refund_pending"), null));
        receiver.next(WAIT);
        assertThat(fetchedStatus(provider, id)).isEqualTo(LedgerEntry.SUCCEEDED);
    }

    @Test
    void immediateRefundsAreAnnouncedOnlyWithSendAll() throws Exception {
        refund("stripe", succeeded("stripe", "success"), null);
        receiver.expectNothing(QUIET);

        sims.setWebhookSend("stripe", WebhookSend.ALL);
        Resp charge = succeeded("stripe", "success");
        assertThat(receiver.next(WAIT).json().get("type").asText()).isEqualTo("payment_intent.succeeded");
        Resp refund = refund("stripe", charge, 500L);
        JsonNode event = receiver.next(WAIT).json();
        assertThat(event.get("type").asText()).isEqualTo("charge.refund.updated");
        assertThat(event.at("/data/object")).isEqualTo(refund.json());
    }

    @Test
    void stripeRefundTestCardsChooseTheRefundOutcome() throws Exception {
        Resp pending = postForm(sims.baseUrl("stripe"), "/v1/payment_intents", STRIPE_KEY,
                StripeSimulatorTest.cardParams(TestCards.REFUND_PENDING, ref()));
        assertThat(pending.json().get("status").asText()).isEqualTo("succeeded");
        String pendingId = refundId("stripe", refund("stripe", pending, null));
        assertThat(fetchedStatus("stripe", pendingId)).isEqualTo(LedgerEntry.PENDING);

        Resp fails = postForm(sims.baseUrl("stripe"), "/v1/payment_intents", STRIPE_KEY,
                StripeSimulatorTest.cardParams(TestCards.REFUND_FAILS, ref()));
        awaitStatus("stripe", refundId("stripe", refund("stripe", fails, null)), LedgerEntry.FAILED);
    }

    // ---- ledger and control API ----

    @Test
    void theLedgerShowsRefundsAndClearingForgetsThem() {
        Resp charge = succeeded("stripe", "success");
        String first = refundId("stripe", refund("stripe", charge, 1000L));
        Resp pending = refund("stripe", succeeded("stripe", "refund_pending"), 300L);

        JsonNode entries = control(sims, "GET", "/sim/stripe/ledger", null).json().get("entries");
        JsonNode refunded = entries.get(0);
        assertThat(refunded.get("refunded_amount").asLong()).isEqualTo(1000);
        assertThat(refunded.get("refunds")).singleElement().satisfies(r -> {
            assertThat(r.get("id").asText()).isEqualTo(first);
            assertThat(r.get("amount").asLong()).isEqualTo(1000);
            assertThat(r.get("status").asText()).isEqualTo("succeeded");
            assertThat(java.time.Instant.parse(r.get("created_at").asText())).isNotNull();
        });
        assertThat(entries.get(1).get("refunded_amount").asLong()).isEqualTo(300); // pending refunds count
        assertThat(entries.get(1).at("/refunds/0/status").asText()).isEqualTo("pending");

        assertThat(control(sims, "DELETE", "/sim/stripe/ledger", null).status()).isEqualTo(204);
        assertThat(fetch("stripe", first).status()).isEqualTo(404);
        assertThat(settleRefund("stripe", refundId("stripe", pending), "succeeded").status()).isEqualTo(404);
    }

    @Test
    void settleValidationNamesTheField() {
        Resp noId = control(sims, "POST", "/sim/paystack/refunds/settle", "{\"status\":\"succeeded\"}");
        assertThat(noId.status()).isEqualTo(400);
        assertThat(noId.header("Content-Type")).startsWith("application/problem+json");
        assertThat(noId.json().get("field").asText()).isEqualTo("id");

        Resp badStatus = control(sims, "POST", "/sim/paystack/refunds/settle", "{\"id\":\"1\",\"status\":\"processed\"}");
        assertThat(badStatus.status()).isEqualTo(400);
        assertThat(badStatus.json().get("field").asText()).isEqualTo("status");

        Resp unknown = control(sims, "POST", "/sim/paystack/refunds/settle", "{\"id\":\"999\",\"status\":\"failed\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("field").asText()).isEqualTo("id");

        assertThat(control(sims, "GET", "/sim/paystack/refunds/settle", null).status()).isEqualTo(405);
        assertThat(control(sims, "POST", "/sim/paystack/refunds/settle", "[]").json().get("field").asText()).isEqualTo("body");
    }

    @Test
    void javaApiSettlesRefundsToo() {
        String id = refundId("stripe", refund("stripe", succeeded("stripe", "refund_pending"), null));
        assertThat(sims.settleRefund("stripe", id, false)).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(LedgerEntry.FAILED);
            assertThat(r.counts()).isFalse();
        });
        assertThat(sims.settleRefund("stripe", id, true)).isEmpty();
        assertThat(ledgerEntry("stripe").refundedAmount()).isZero();
    }
}
