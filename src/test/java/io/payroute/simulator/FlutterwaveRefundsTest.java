package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Flutterwave's POST /v3/transactions/{id}/refund and GET /v3/refunds/{id} in its wire format (MAJOR units). */
class FlutterwaveRefundsTest extends SimulatorTestSupport {
    static URI base() {
        return sims.baseUrl("flutterwave");
    }

    /** A 100.50 NGN transaction. */
    static JsonNode charged(String token) {
        Resp r = postJson(base(), "/v3/tokenized-charges", FLUTTERWAVE_KEY, FlutterwaveSimulatorTest.body(token, ref(), 100.50, "NGN"));
        return r.json().get("data");
    }

    static Resp refund(JsonNode tx, Object body) {
        return postJson(base(), "/v3/transactions/" + tx.get("id").asText() + "/refund", FLUTTERWAVE_KEY, body);
    }

    static void assertRefused(Resp r, String message) {
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.json().get("status").asText()).isEqualTo("error");
        assertThat(r.json().get("message").asText()).isEqualTo(message);
        assertThat(r.json().get("data").isNull()).isTrue();
    }

    @Test
    void aFullRefundWithAnEmptyBodyIsCompleted() {
        JsonNode tx = charged("flw-success");
        Resp r = refund(tx, "");

        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("success");
        assertThat(r.json().get("message").asText()).isEqualTo("Transaction refund initiated");
        JsonNode d = r.json().get("data");
        assertThat(d.get("id").isIntegralNumber()).isTrue();
        assertThat(d.get("account_id").isIntegralNumber()).isTrue();
        assertThat(d.get("tx_id").asLong()).isEqualTo(tx.get("id").asLong());
        assertThat(d.get("flw_ref").asText()).startsWith("URF_");
        assertThat(d.get("wallet_id").isIntegralNumber()).isTrue();
        assertThat(d.get("amount_refunded").decimalValue()).isEqualByComparingTo("100.50");
        assertThat(d.get("status").asText()).isEqualTo("completed");
        assertThat(d.get("destination").asText()).isEqualTo("payment_source");
        assertThat(d.at("/meta/source").asText()).isEqualTo("availablebalance");
        assertThat(Instant.parse(d.get("created_at").asText())).isNotNull();

        assertThat(sims.ledger("flutterwave")).singleElement().satisfies(e -> {
            assertThat(e.refundedAmount()).isEqualTo(10_050); // minor units in the ledger
            assertThat(e.refunds()).singleElement().satisfies(f -> assertThat(f.status()).isEqualTo(LedgerEntry.SUCCEEDED));
        });
    }

    @Test
    void aPartialRefundInMajorUnitsAndItsFetch() {
        JsonNode tx = charged("flw-success");
        Resp r = refund(tx, Map.of("amount", "10.05", "comments", "partial"));
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.json().at("/data/amount_refunded").decimalValue()).isEqualByComparingTo("10.05");
        String id = r.json().at("/data/id").asText();

        Resp fetched = get(base(), "/v3/refunds/" + id, FLUTTERWAVE_KEY);
        assertThat(fetched.status()).isEqualTo(200);
        assertThat(fetched.json().get("status").asText()).isEqualTo("success");
        assertThat(fetched.json().get("message").asText()).isEqualTo("Refund fetched");
        assertThat(fetched.json().get("data")).isEqualTo(r.json().get("data"));

        Resp rest = refund(tx, Map.of());
        assertThat(rest.json().at("/data/amount_refunded").decimalValue()).isEqualByComparingTo("90.45");
        assertThat(sims.ledger("flutterwave").get(0).refundedAmount()).isEqualTo(10_050);
    }

    @Test
    void aPendingRefundIsPendingUntilSettled() {
        JsonNode tx = charged("flw-refund_pending");
        assertThat(tx.get("status").asText()).isEqualTo("successful");
        String id = refund(tx, Map.of("amount", 50)).json().at("/data/id").asText();
        assertThat(get(base(), "/v3/refunds/" + id, FLUTTERWAVE_KEY).json().at("/data/status").asText()).isEqualTo("pending");
        assertThat(control(sims, "POST", "/sim/flutterwave/refunds/settle", "{\"id\":" + id + ",\"status\":\"failed\"}")
                .status()).isEqualTo(200);
        assertThat(get(base(), "/v3/refunds/" + id, FLUTTERWAVE_KEY).json().at("/data/status").asText()).isEqualTo("failed");
    }

    @Test
    void overRefundsAreRefused() {
        JsonNode tx = charged("flw-success");
        assertRefused(refund(tx, Map.of("amount", 100.51)), "Refund amount cannot be greater than the amount left to refund: 100.5 NGN");
        assertThat(refund(tx, Map.of("amount", 100)).status()).isEqualTo(200);
        assertRefused(refund(tx, Map.of("amount", 1)), "Refund amount cannot be greater than the amount left to refund: 0.5 NGN");
        assertThat(refund(tx, Map.of()).status()).isEqualTo(200);
        assertRefused(refund(tx, Map.of()), "Transaction has already been fully refunded");
        assertThat(sims.ledger("flutterwave").get(0).refundedAmount()).isEqualTo(10_050);
    }

    @ParameterizedTest
    @ValueSource(strings = {"flw-decline_do_not_honor", "flw-pending"})
    void onlySuccessfulTransactionsAreRefunded(String token) {
        assertRefused(refund(charged(token), Map.of()), "Only successful transactions can be refunded");
        assertThat(sims.ledger("flutterwave").get(0).refunds()).isEmpty();
    }

    @Test
    void badRequestsAreRefusedInFlutterwavesEnvelope() {
        JsonNode tx = charged("flw-success");
        assertRefused(postJson(base(), "/v3/transactions/999/refund", FLUTTERWAVE_KEY, Map.of()), "No transaction was found for this id");
        assertRefused(refund(tx, Map.of("amount", 0)), "amount must be greater than 0");
        assertRefused(refund(tx, Map.of("amount", "1.005")), "amount has more than 2 decimal places for NGN");
        assertRefused(refund(tx, "{"), "Request body is not valid JSON");
        Resp unknown = get(base(), "/v3/refunds/424242", FLUTTERWAVE_KEY);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("message").asText()).isEqualTo("No refund was found for this id");
        assertThat(postJson(base(), "/v3/transactions/" + tx.get("id").asText() + "/refund", "FLWSECK_TEST-wrong", Map.of())
                .status()).isEqualTo(401);
        assertThat(sims.ledger("flutterwave").get(0).refunds()).isEmpty();
    }
}
