package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Paystack's POST /refund and GET /refund/{id} in its wire format. */
class PaystackRefundsTest extends SimulatorTestSupport {
    static URI base() {
        return sims.baseUrl("paystack");
    }

    static JsonNode charged(String token) {
        Resp r = postJson(base(), "/transaction/charge_authorization", PAYSTACK_KEY, PaystackSimulatorTest.chargeBody(token, ref()));
        assertThat(r.status()).isEqualTo(200);
        return r.json().get("data");
    }

    static Resp refund(Object transaction, Object amount) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transaction", transaction);
        if (amount != null) {
            body.put("amount", amount);
        }
        return postJson(base(), "/refund", PAYSTACK_KEY, body);
    }

    static void assertRefused(Resp r, int status, String message) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.json().get("status").asBoolean()).isFalse();
        assertThat(r.json().get("message").asText()).isEqualTo(message);
    }

    @Test
    void aFullRefundByReferenceIsQueued() {
        JsonNode tx = charged("AUTH_success");
        Resp r = refund(tx.get("reference").asText(), null);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asBoolean()).isTrue();
        assertThat(r.json().get("message").asText()).isEqualTo("Refund has been queued for processing");
        JsonNode d = r.json().get("data");
        assertThat(d.get("id").isIntegralNumber()).isTrue();
        assertThat(d.get("amount").asLong()).isEqualTo(50_000);
        assertThat(d.get("currency").asText()).isEqualTo("NGN");
        assertThat(d.get("status").asText()).isEqualTo("pending");
        assertThat(d.get("deducted_amount").asLong()).isZero();
        assertThat(d.get("fully_deducted").asBoolean()).isFalse();
        assertThat(d.get("merchant_note").asText()).contains(tx.get("reference").asText());
        assertThat(d.get("customer_note").asText()).isEqualTo("Refund for transaction " + tx.get("reference").asText());
        assertThat(d.get("refunded_by").asText()).isNotBlank();
        assertThat(Instant.parse(d.get("expected_at").asText())).isAfter(Instant.parse(d.get("createdAt").asText()));
        assertThat(Instant.parse(d.get("updatedAt").asText())).isNotNull();
        assertThat(d.has("channel")).isTrue();
        JsonNode t = d.get("transaction");
        assertThat(t.get("id").asLong()).isEqualTo(tx.get("id").asLong());
        assertThat(t.get("reference").asText()).isEqualTo(tx.get("reference").asText());
        assertThat(t.get("amount").asLong()).isEqualTo(50_000);
        assertThat(t.get("currency").asText()).isEqualTo("NGN");
        assertThat(t.get("paid_at").asText()).isEqualTo(t.get("paidAt").asText());
        assertThat(t.at("/subaccount/currency").isNull()).isTrue();

        assertThat(sims.ledger("paystack")).singleElement().satisfies(e -> {
            assertThat(e.refundedAmount()).isEqualTo(50_000);
            assertThat(e.refunds()).singleElement().satisfies(f -> {
                assertThat(f.id()).isEqualTo(d.get("id").asText());
                assertThat(f.amount()).isEqualTo(50_000);
            });
        });
    }

    @Test
    void aPartialRefundByIdAndItsFetch() throws Exception {
        JsonNode tx = charged("AUTH_refund_pending");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transaction", tx.get("id").asLong()); // the id, as a JSON number
        body.put("amount", "20000");                    // numeric strings are accepted, as for charges
        body.put("currency", "ngn");
        body.put("merchant_note", "Damaged on arrival");
        body.put("customer_note", "Sorry about that");
        Resp r = postJson(base(), "/refund", PAYSTACK_KEY, body);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        String id = r.json().at("/data/id").asText();
        assertThat(r.json().at("/data/amount").asLong()).isEqualTo(20_000);
        assertThat(r.json().at("/data/merchant_note").asText()).isEqualTo("Damaged on arrival");

        Resp fetched = get(base(), "/refund/" + id, PAYSTACK_KEY);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json().get("message").asText()).isEqualTo("Refund retrieved");
        JsonNode d = fetched.json().get("data");
        assertThat(d.get("id").asText()).isEqualTo(id);
        assertThat(d.get("transaction").asLong()).isEqualTo(tx.get("id").asLong());
        assertThat(d.get("transaction_reference").asText()).isEqualTo(tx.get("reference").asText());
        assertThat(d.get("transaction_amount").asLong()).isEqualTo(50_000);
        assertThat(d.get("amount").asLong()).isEqualTo(20_000);
        assertThat(d.get("status").asText()).isEqualTo("pending");
        assertThat(d.get("refund_type").asText()).isEqualTo("partial");
        assertThat(d.get("refunded_at").isNull()).isTrue();
        assertThat(d.get("customer_note").asText()).isEqualTo("Sorry about that");
        assertThat(d.at("/customer/email").asText()).isEqualTo("ada@example.com");

        assertThat(sims.settleRefund("paystack", id, true)).isPresent();
        JsonNode processed = get(base(), "/refund/" + id, PAYSTACK_KEY).json().get("data");
        assertThat(processed.get("status").asText()).isEqualTo("processed");
        assertThat(processed.get("deducted_amount").asLong()).isEqualTo(20_000);
        assertThat(processed.get("fully_deducted").asInt()).isEqualTo(1);
        assertThat(Instant.parse(processed.get("refunded_at").asText())).isNotNull();

        // the rest, by default
        Resp rest = refund(tx.get("reference").asText(), null);
        assertThat(rest.json().at("/data/amount").asLong()).isEqualTo(30_000);
        assertThat(sims.ledger("paystack").get(0).refundedAmount()).isEqualTo(50_000);
    }

    @Test
    void overRefundsAreRefused() {
        String reference = charged("AUTH_success").get("reference").asText();
        assertRefused(refund(reference, 50_001), 400,
                "Refund amount cannot be more than the transaction's unrefunded amount (50000)");
        assertThat(refund(reference, 40_000).status()).isEqualTo(200);
        assertRefused(refund(reference, 10_001), 400,
                "Refund amount cannot be more than the transaction's unrefunded amount (10000)");
        assertThat(refund(reference, 10_000).status()).isEqualTo(200);
        Resp reversed = refund(reference, null);
        assertRefused(reversed, 400, "Transaction has been fully reversed");
        assertThat(reversed.json().get("type").asText()).isEqualTo("api_error");
        assertThat(reversed.json().get("code").asText()).isEqualTo("transaction_reversed");
        assertThat(sims.ledger("paystack").get(0).refundedAmount()).isEqualTo(50_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"AUTH_decline_insufficient_funds", "AUTH_pending", "AUTH_requires_action"})
    void onlySuccessfulTransactionsAreRefunded(String token) {
        JsonNode tx = charged(token);
        assertRefused(refund(tx.get("reference").asText(), null), 400, "Cannot refund a transaction that is not successful");
        assertThat(sims.ledger("paystack").get(0).refunds()).isEmpty();
    }

    @Test
    void badRequestsAreRefusedInPaystacksEnvelope() {
        String reference = charged("AUTH_success").get("reference").asText();
        assertRefused(refund("no-such-transaction", null), 404, "Transaction not found");
        assertRefused(postJson(base(), "/refund", PAYSTACK_KEY, Map.of("amount", 100)), 400, "transaction is required");
        assertRefused(refund(reference, 0), 400, "amount must be greater than 0");
        assertRefused(refund(reference, 12.5), 400, "amount must be an integer in the currency's subunit");
        assertRefused(postJson(base(), "/refund", PAYSTACK_KEY, Map.of("transaction", reference, "currency", "USD")), 400,
                "Currency does not match the transaction's currency");
        assertRefused(get(base(), "/refund/123", PAYSTACK_KEY), 404, "Refund not found");
        assertThat(postJson(base(), "/refund", "sk_test_wrong", Map.of("transaction", reference)).status()).isEqualTo(401);
        assertThat(sims.ledger("paystack").get(0).refunds()).isEmpty();
    }
}
