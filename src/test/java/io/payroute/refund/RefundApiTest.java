package io.payroute.refund;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.simulator.WebhookSend;
import io.payroute.support.ApiTestSupport;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Refunds over real HTTP against the simulators, whose ledgers are the providers' own books. */
class RefundApiTest extends ApiTestSupport {

    @Autowired
    private ProducerTemplate camel;

    private JsonNode succeededCharge(long amount, String currency, String provider, String token) {
        JsonNode charge = postCharge(chargeBody(amount, currency, Map.of(provider, token))).json();
        assertThat(charge.get("status").asText()).as(charge.toString()).isEqualTo("succeeded");
        return charge;
    }

    private Response refund(String chargeId, String body) {
        return post("/v1/charges/" + chargeId + "/refunds", body == null ? "" : body, Map.of());
    }

    /** The provider's own record of refunds of the charge, in its ledger. */
    private long refundedAtProvider(String provider, String chargeId) {
        return simulators.ledger(provider).stream()
                .filter(e -> e.reference().startsWith(chargeId.replace('_', '-')))
                .mapToLong(e -> e.refundedAmount()).sum();
    }

    @Test
    void partialThenFullRefundAndNeverMoreThanCaptured() {
        JsonNode charge = succeededCharge(10_000, "USD", "stripe", "pm_success");
        String id = charge.get("id").asText();

        Response partial = refund(id, "{\"amount\": 4000, \"reason\": \"one item returned\"}");
        assertThat(partial.status()).as(partial.text()).isEqualTo(201);
        assertThat(partial.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(partial.json().get("amount").asLong()).isEqualTo(4000);
        assertThat(partial.json().get("provider").asText()).isEqualTo("stripe");
        assertThat(partial.header("Location")).isEqualTo("/v1/refunds/" + partial.json().get("id").asText());

        Response rest = refund(id, null);
        assertThat(rest.status()).as(rest.text()).isEqualTo(201);
        assertThat(rest.json().get("amount").asLong()).as("no amount: what is left").isEqualTo(6000);

        Response over = refund(id, "{\"amount\": 1}");
        assertThat(over.status()).isEqualTo(409);
        assertThat(over.json().get("code").asText()).isEqualTo("refund_exceeds_charge");
        assertThat(over.json().get("errors").findValuesAsText("field")).containsExactly("amount");

        JsonNode list = get("/v1/charges/" + id + "/refunds").json();
        assertThat(list.get("data")).hasSize(2);
        assertThat(list.get("refundable").asLong()).isZero();
        assertThat(get("/v1/refunds/" + partial.json().get("id").asText()).json().get("reason").asText()).isEqualTo("one item returned");
        assertThat(refundedAtProvider("stripe", id)).isEqualTo(10_000);
        assertThat(get("/v1/charges/" + id).json().get("amount_refunded").asLong()).isEqualTo(10_000);
        assertThat(get("/v1/events?charge=" + id + "&type=refund.succeeded").json().get("data")).hasSize(2);
    }

    @Test
    void fiftyConcurrentRefundsNeverExceedTheCapturedAmount() throws Exception {
        JsonNode charge = succeededCharge(5_000, "USD", "stripe", "pm_success");
        String id = charge.get("id").asText();

        List<Response> answers = concurrently(50, i -> refund(id, "{\"amount\": 500}"));

        assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.text()).isIn(201, 409));
        assertThat(answers.stream().filter(r -> r.status() == 201)).hasSize(10)
                .allSatisfy(r -> assertThat(r.json().get("status").asText()).isEqualTo("succeeded"));
        assertThat(jdbc.queryForObject("SELECT refunded_amount FROM charges WHERE id = ?", Long.class, id)).isEqualTo(5_000);
        assertThat(jdbc.queryForObject("SELECT SUM(amount) FROM refunds WHERE charge_id = ? AND status <> 'failed'", Long.class, id))
                .isEqualTo(5_000);
        assertThat(refundedAtProvider("stripe", id)).isEqualTo(5_000);
    }

    @Test
    void onlyASucceededChargeOfYoursCanBeRefundedAndBadInputChangesNothing() {
        JsonNode declined = postCharge(chargeBody(2_000, "NGN", Map.of("paystack", "AUTH_decline_insufficient_funds"))).json();
        Response r = refund(declined.get("id").asText(), null);
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("code").asText()).isEqualTo("charge_not_refundable");
        JsonNode pending = postCharge(chargeBody(2_000, "NGN", Map.of("paystack", "AUTH_pending"))).json();
        assertThat(refund(pending.get("id").asText(), null).status()).isEqualTo(409);
        assertThat(refund("ch_00000000000000000000000000", null).status()).isEqualTo(404);
        assertThat(get("/v1/refunds/rf_00000000000000000000000000").status()).isEqualTo(404);

        String id = succeededCharge(3_000, "USD", "stripe", "pm_success").get("id").asText();
        int refunds = countRows("refunds");
        for (String[] bad : new String[][] {{"{\"amount\": -5}", "amount"}, {"{\"amount\": 10.5}", "amount"},
                {"{\"amount\": \"100\"}", "amount"}, {"{\"amount\": 3001}", "amount"}, {"{\"reason\": 42}", "reason"},
                {"{\"amount\": 100, \"currency\": \"EUR\"}", "currency"}, {"[1]", "body"}, {"{\"amount\": 1", "body"}}) {
            Response bad1 = refund(id, bad[0]);
            assertThat(bad1.status()).as(bad[0]).isEqualTo(400);
            assertThat(bad1.header("Content-Type")).startsWith("application/problem+json");
            assertThat(bad1.json().get("errors").findValuesAsText("field")).as(bad[0]).contains(bad[1]);
        }
        assertThat(countRows("refunds")).isEqualTo(refunds);
        assertThat(jdbc.queryForObject("SELECT refunded_amount FROM charges WHERE id = ?", Long.class, id)).isZero();
    }

    @Test
    void aRefundIsIdempotentPerKey() {
        String id = succeededCharge(8_000, "USD", "stripe", "pm_success").get("id").asText();
        Map<String, String> key = Map.of("Idempotency-Key", "refund-order-77");
        Response first = post("/v1/charges/" + id + "/refunds", "{\"amount\": 1500}", key);
        Response again = post("/v1/charges/" + id + "/refunds", "{\"amount\": 1500}", key);
        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(again.json().get("id").asText()).isEqualTo(first.json().get("id").asText());
        assertThat(get("/v1/charges/" + id + "/refunds").json().get("data")).hasSize(1);
        assertThat(refundedAtProvider("stripe", id)).isEqualTo(1_500);
        assertThat(post("/v1/charges/" + id + "/refunds", "{\"amount\": 1600}", key).status()).isEqualTo(422);
    }

    @Test
    void aRefundThatFailsAtTheProviderGivesItsAmountBack() {
        // card refunds fail asynchronously: accepted pending, failed right after
        String id = succeededCharge(4_000, "USD", "stripe", "pm_success_refund_fail").get("id").asText();
        Response r = refund(id, "{\"amount\": 4000}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).isEqualTo("pending");
        assertThat(get("/v1/charges/" + id + "/refunds").json().get("refundable").asLong()).as("reserved meanwhile").isZero();
        camel.sendBody("direct:reconcile", null);
        JsonNode failed = get("/v1/refunds/" + r.json().get("id").asText()).json();
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/failure/code").asText()).isNotBlank();
        assertThat(get("/v1/charges/" + id + "/refunds").json().get("refundable").asLong()).isEqualTo(4_000);
        assertThat(get("/v1/events?charge=" + id + "&type=refund.failed").json().get("data")).hasSize(1);
    }

    @Test
    void everyProviderRefundsThroughItsOwnApi() {
        for (String[] p : new String[][] {{"paystack", "NGN", "AUTH_success"}, {"flutterwave", "NGN", "flw-t1nf-success"},
                {"stripe", "EUR", "pm_success"}}) {
            String id = succeededCharge(7_000, p[1], p[0], p[2]).get("id").asText();
            JsonNode refund = refund(id, "{\"amount\": 2500}").json();
            assertThat(refund.get("provider").asText()).isEqualTo(p[0]);
            assertThat(refund.get("status").asText()).as(p[0] + " " + refund).isIn("succeeded", "pending");
            if (refund.get("status").asText().equals("pending")) {
                camel.sendBody("direct:reconcile", null);
            }
            assertThat(refundedAtProvider(p[0], id)).as(p[0]).isEqualTo(2_500);
        }
    }

    @Test
    void aPendingRefundIsSettledByReconciliation() {
        String id = succeededCharge(6_000, "USD", "stripe", "pm_success_refund_pending").get("id").asText();
        JsonNode refund = refund(id, "{\"amount\": 6000}").json();
        assertThat(refund.get("status").asText()).isEqualTo("pending");

        camel.sendBody("direct:reconcile", null);
        assertThat(get("/v1/refunds/" + refund.get("id").asText()).json().get("status").asText()).as("still pending at Stripe")
                .isEqualTo("pending");

        simulators.settleRefund("stripe", refund.get("provider_reference").asText(), true);
        camel.sendBody("direct:reconcile", null);
        assertThat(get("/v1/refunds/" + refund.get("id").asText()).json().get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void theProvidersRefundWebhooksSettlePendingRefunds() {
        simulators.setWebhookSend("paystack", WebhookSend.ASYNC);
        simulators.setWebhookSend("stripe", WebhookSend.ASYNC);

        // Paystack queues every refund and announces refund.processed (without a refund id) right after
        String paystackCharge = succeededCharge(9_000, "NGN", "paystack", "AUTH_success").get("id").asText();
        JsonNode paystack = refund(paystackCharge, "{\"amount\": 3000}").json();
        assertThat(paystack.get("status").asText()).isEqualTo("pending");
        awaitRefund(paystack.get("id").asText(), "succeeded");

        String stripeCharge = succeededCharge(9_000, "USD", "stripe", "pm_success_refund_pending").get("id").asText();
        JsonNode stripe = refund(stripeCharge, "{\"amount\": 9000}").json();
        assertThat(stripe.get("status").asText()).isEqualTo("pending");
        simulators.settleRefund("stripe", stripe.get("provider_reference").asText(), true);
        awaitRefund(stripe.get("id").asText(), "succeeded");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM provider_webhooks WHERE result = 'applied' AND charge_id IN (?, ?)",
                Integer.class, paystackCharge, stripeCharge)).isEqualTo(2);
    }

    private void awaitRefund(String id, String status) {
        long deadline = System.currentTimeMillis() + 10_000;
        String now = null;
        while (System.currentTimeMillis() < deadline) {
            now = get("/v1/refunds/" + id).json().get("status").asText();
            if (now.equals(status)) {
                return;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("refund " + id + " is " + now + ", not " + status);
    }
}
