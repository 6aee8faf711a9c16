package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Stripe's POST /v1/refunds and GET /v1/refunds/{id} in its wire format, with Idempotency-Key. */
class StripeRefundsTest extends SimulatorTestSupport {
    static URI base() {
        return sims.baseUrl("stripe");
    }

    /** A 25.00 USD PaymentIntent (any status: its answer, or the intent in a decline's error). */
    static JsonNode intent(String paymentMethod) {
        Resp r = postForm(base(), "/v1/payment_intents", STRIPE_KEY, StripeSimulatorTest.params(paymentMethod, ref()));
        return r.status() == 402 ? r.json().at("/error/payment_intent") : r.json();
    }

    static Map<String, String> params(String... keyValues) {
        Map<String, String> p = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.put(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    static Resp refund(Map<String, String> params) {
        return postForm(base(), "/v1/refunds", STRIPE_KEY, params);
    }

    static JsonNode error(Resp r, int status) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        JsonNode e = r.json().get("error");
        assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
        return e;
    }

    @Test
    void aFullRefundOfAPaymentIntentSucceeds() {
        JsonNode pi = intent("pm_success");
        Resp r = refund(params("payment_intent", pi.get("id").asText(), "reason", "requested_by_customer",
                "metadata[payroute_refund_id]", "rfd_1"));

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        JsonNode re = r.json();
        assertThat(re.get("id").asText()).startsWith("re_");
        assertThat(re.get("object").asText()).isEqualTo("refund");
        assertThat(re.get("amount").asLong()).isEqualTo(2500);
        assertThat(re.get("currency").asText()).isEqualTo("usd");
        assertThat(re.get("payment_intent").asText()).isEqualTo(pi.get("id").asText());
        assertThat(re.get("charge").asText()).isEqualTo(pi.get("latest_charge").asText());
        assertThat(re.get("status").asText()).isEqualTo("succeeded");
        assertThat(re.get("reason").asText()).isEqualTo("requested_by_customer");
        assertThat(re.at("/metadata/payroute_refund_id").asText()).isEqualTo("rfd_1");
        assertThat(re.get("created").isIntegralNumber()).isTrue();
        assertThat(re.get("balance_transaction").asText()).startsWith("txn_");
        assertThat(re.has("failure_reason")).isFalse();
        assertThat(re.get("receipt_number").isNull()).isTrue();

        // the charge shows it, as Stripe's Charge object does
        JsonNode charge = get(base(), "/v1/payment_intents/" + pi.get("id").asText(), STRIPE_KEY).json().at("/charges/data/0");
        assertThat(charge.get("amount_refunded").asLong()).isEqualTo(2500);
        assertThat(charge.get("refunded").asBoolean()).isTrue();
        assertThat(charge.at("/refunds/data/0")).isEqualTo(re);
        assertThat(charge.at("/refunds/total_count").asInt()).isEqualTo(1);
    }

    @Test
    void aPartialRefundByChargeAndItsFetch() {
        JsonNode pi = intent("pm_success");
        Resp r = refund(params("charge", pi.get("latest_charge").asText(), "amount", "1000"));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().get("amount").asLong()).isEqualTo(1000);
        assertThat(r.json().get("reason").isNull()).isTrue();
        assertThat(r.json().get("metadata")).isEmpty();

        Resp fetched = get(base(), "/v1/refunds/" + r.json().get("id").asText(), STRIPE_KEY);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json()).isEqualTo(r.json());

        JsonNode charge = get(base(), "/v1/payment_intents/" + pi.get("id").asText(), STRIPE_KEY).json().at("/charges/data/0");
        assertThat(charge.get("amount_refunded").asLong()).isEqualTo(1000);
        assertThat(charge.get("refunded").asBoolean()).isFalse();

        Resp rest = refund(params("payment_intent", pi.get("id").asText(), "charge", pi.get("latest_charge").asText()));
        assertThat(rest.json().get("amount").asLong()).isEqualTo(1500);
    }

    @Test
    void overRefundsAreRefusedWithStripesCodes() {
        String id = intent("pm_success").get("id").asText();
        JsonNode tooLarge = error(refund(params("payment_intent", id, "amount", "2501")), 400);
        assertThat(tooLarge.get("code").asText()).isEqualTo("amount_too_large");
        assertThat(tooLarge.get("param").asText()).isEqualTo("amount");
        assertThat(tooLarge.get("message").asText())
                .isEqualTo("Refund amount ($25.01) is greater than unrefunded amount on charge ($25.00)");

        assertThat(refund(params("payment_intent", id, "amount", "2000")).status()).isEqualTo(200);
        assertThat(error(refund(params("payment_intent", id, "amount", "501")), 400).get("message").asText())
                .isEqualTo("Refund amount ($5.01) is greater than unrefunded amount on charge ($5.00)");
        assertThat(refund(params("payment_intent", id)).json().get("amount").asLong()).isEqualTo(500);

        JsonNode already = error(refund(params("payment_intent", id)), 400);
        assertThat(already.get("code").asText()).isEqualTo("charge_already_refunded");
        assertThat(already.get("message").asText()).isEqualTo("Charge ch_" + id.substring(3) + " has already been refunded.");
        assertThat(sims.ledger("stripe").get(0).refundedAmount()).isEqualTo(2500);
    }

    @ParameterizedTest
    @ValueSource(strings = {"pm_decline_insufficient_funds", "pm_pending", "pm_requires_action"})
    void onlyASucceededIntentIsRefunded(String paymentMethod) {
        String id = intent(paymentMethod).get("id").asText();
        JsonNode e = error(refund(params("payment_intent", id)), 400);
        assertThat(e.get("message").asText()).isEqualTo("This PaymentIntent (" + id + ") does not have a successful charge to refund.");
        assertThat(e.get("param").asText()).isEqualTo("payment_intent");
        assertThat(e.has("code")).isFalse(); // Stripe sends none for this one
        assertThat(sims.ledger("stripe").get(0).refunds()).isEmpty();
    }

    @Test
    void badRequestsAreRefusedInStripesEnvelope() {
        JsonNode pi = intent("pm_success");
        String id = pi.get("id").asText();
        JsonNode missing = error(refund(params("payment_intent", "pi_nope")), 404);
        assertThat(missing.get("code").asText()).isEqualTo("resource_missing");
        assertThat(missing.get("param").asText()).isEqualTo("payment_intent");
        assertThat(missing.get("message").asText()).isEqualTo("No such payment_intent: 'pi_nope'");
        assertThat(error(refund(params("charge", "ch_nope")), 404).get("param").asText()).isEqualTo("charge");
        assertThat(error(refund(params("amount", "100")), 400).get("param").asText()).isEqualTo("payment_intent");
        assertThat(error(refund(params("payment_intent", id, "charge", "ch_other")), 400).get("param").asText()).isEqualTo("charge");
        assertThat(error(refund(params("payment_intent", id, "amount", "0")), 400).get("param").asText()).isEqualTo("amount");
        assertThat(error(refund(params("payment_intent", id, "amount", "1.5")), 400).get("param").asText()).isEqualTo("amount");
        assertThat(error(refund(params("payment_intent", id, "reason", "changed_mind")), 400).get("param").asText()).isEqualTo("reason");
        Resp json = postJson(base(), "/v1/refunds", STRIPE_KEY, Map.of("payment_intent", id));
        assertThat(error(json, 400).get("message").asText()).contains("x-www-form-urlencoded");
        JsonNode unknown = error(get(base(), "/v1/refunds/re_nope", STRIPE_KEY), 404);
        assertThat(unknown.get("code").asText()).isEqualTo("resource_missing");
        assertThat(unknown.get("param").asText()).isEqualTo("id");
        assertThat(sims.ledger("stripe").get(0).refunds()).isEmpty();
    }

    // ---- Idempotency-Key, exactly as on the charge endpoint ----

    static Resp refundWithKey(String key, Map<String, String> params) {
        return send(formRequest(base(), "/v1/refunds", STRIPE_KEY, params).header("Idempotency-Key", key).build());
    }

    @Test
    void aRepeatedKeyReplaysTheFirstRefund() {
        String id = intent("pm_success").get("id").asText();
        String key = "refund-" + ref();
        Resp first = refundWithKey(key, params("payment_intent", id, "amount", "1000"));
        Resp again = refundWithKey(key, params("payment_intent", id, "amount", "1000"));
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("Idempotent-Replayed")).isNull();
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.header("Idempotency-Key")).isEqualTo(key);
        assertThat(again.raw()).isEqualTo(first.raw());
        assertThat(sims.ledger("stripe").get(0).refunds()).hasSize(1);

        JsonNode mismatch = refundWithKey(key, params("payment_intent", id, "amount", "999")).json().get("error");
        assertThat(mismatch.get("type").asText()).isEqualTo("idempotency_error");
        // a key first used to charge cannot refund
        String chargeKey = "charge-" + ref();
        send(formRequest(base(), "/v1/payment_intents", STRIPE_KEY, StripeSimulatorTest.params("pm_success", ref()))
                .header("Idempotency-Key", chargeKey).build());
        Resp otherEndpoint = refundWithKey(chargeKey, params("payment_intent", id, "amount", "1000"));
        assertThat(otherEndpoint.status()).isEqualTo(400);
        assertThat(otherEndpoint.json().at("/error/type").asText()).isEqualTo("idempotency_error");
        assertThat(sims.ledger("stripe").get(0).refunds()).hasSize(1);
    }

    @Test
    void aRefusalIsReplayedToo() {
        String id = intent("pm_success").get("id").asText();
        String key = "refund-" + ref();
        assertThat(refundWithKey(key, params("payment_intent", id, "amount", "9999")).status()).isEqualTo(400);
        Resp replay = refundWithKey(key, params("payment_intent", id, "amount", "9999"));
        assertThat(replay.status()).isEqualTo(400);
        assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
    }

    @Test
    void concurrentRequestsWithOneKeyRefundOnce() {
        String id = intent("pm_success").get("id").asText();
        String key = "refund-" + ref();
        sims.setBehaviour("stripe", testBehaviour().withLatency(200, 0));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            calls.add(HTTP.sendAsync(formRequest(base(), "/v1/refunds", STRIPE_KEY, params("payment_intent", id))
                    .header("Idempotency-Key", key).build(), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = calls.stream().map(c -> c.orTimeout(10, TimeUnit.SECONDS).join().statusCode()).toList();
        assertThat(statuses).isSubsetOf(200, 409).contains(200);
        assertThat(sims.ledger("stripe").get(0).refunds()).hasSize(1);
        assertThat(sims.ledger("stripe").get(0).refundedAmount()).isEqualTo(2500);
    }
}
