package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class PaystackSimulatorTest extends SimulatorTestSupport {
    static URI base;

    @BeforeAll
    static void base() {
        base = sims.baseUrl("paystack");
    }

    static Map<String, Object> chargeBody(String token, String reference) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("email", "ada@example.com");
        b.put("amount", 50000);
        b.put("authorization_code", token);
        b.put("reference", reference);
        b.put("currency", "NGN");
        b.put("metadata", Map.of("payroute_charge_id", "chg_1", "payroute_reference", reference));
        return b;
    }

    static Resp charge(String token, String reference) {
        return postJson(base, "/transaction/charge_authorization", PAYSTACK_KEY, chargeBody(token, reference));
    }

    @Test
    void successIsRecordedAndRenderedInPaystackEnvelope() {
        String ref = ref();
        Map<String, Object> body = chargeBody("AUTH_success_abcd", ref);
        body.put("amount", "50000"); // numeric strings are accepted too
        Resp r = postJson(base, "/transaction/charge_authorization", PAYSTACK_KEY, body);

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode j = r.json();
        assertThat(j.get("status").asBoolean()).isTrue();
        assertThat(j.get("message").asText()).isEqualTo("Charge attempted");
        JsonNode d = j.get("data");
        assertThat(d.get("status").asText()).isEqualTo("success");
        assertThat(d.get("reference").asText()).isEqualTo(ref);
        assertThat(d.get("id").isIntegralNumber()).isTrue();
        assertThat(d.get("amount").asLong()).isEqualTo(50000);
        assertThat(d.get("currency").asText()).isEqualTo("NGN");
        assertThat(d.get("gateway_response").asText()).isEqualTo("Approved");
        assertThat(d.at("/metadata/payroute_reference").asText()).isEqualTo(ref);
        assertThat(d.at("/authorization/last4").asText()).isEqualTo("abcd");
        assertThat(d.at("/authorization/authorization_code").asText()).isEqualTo("AUTH_success_abcd");

        assertThat(sims.ledger("paystack")).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(d.get("id").asText());
            assertThat(e.reference()).isEqualTo(ref);
            assertThat(e.amount()).isEqualTo(50000);
            assertThat(e.currency()).isEqualTo("NGN");
            assertThat(e.status()).isEqualTo("succeeded");
            assertThat(e.paymentMethod()).isEqualTo(new LedgerEntry.PaymentMethod("token", "abcd", null));
            assertThat(e.metadataValue("payroute_charge_id")).isEqualTo("chg_1");
        });
    }

    @ParameterizedTest
    @CsvSource({
            "AUTH_decline_insufficient_funds, Insufficient Funds",
            "AUTH_decline_do_not_honor, Do Not Honor",
            "AUTH_decline_incorrect_pin, Incorrect PIN",
            "AUTH_decline_expired_card, Expired Card",
            "AUTH_decline_stolen_card_success, Stolen Card", // decline markers win over success
    })
    void declinesAre200WithFailedDataStatus(String token, String gatewayResponse) {
        Resp r = charge(token, ref());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asBoolean()).isTrue();
        assertThat(r.json().at("/data/status").asText()).isEqualTo("failed");
        assertThat(r.json().at("/data/gateway_response").asText()).isEqualTo(gatewayResponse);
        assertThat(sims.ledger("paystack")).singleElement().extracting(LedgerEntry::status).isEqualTo("failed");
    }

    @Test
    void pendingAndRequiresAction() {
        String pendingRef = ref();
        Resp pending = charge("AUTH_pending", pendingRef);
        assertThat(pending.json().at("/data/status").asText()).isEqualTo("pending");

        String actionRef = ref();
        Resp action = charge("AUTH_REQUIRES_ACTION", actionRef);
        assertThat(action.status()).isEqualTo(200);
        assertThat(action.json().at("/data/status").asText()).isEqualTo("open_url");
        assertThat(action.json().at("/data/url").asText()).startsWith("https://");

        assertThat(sims.ledger("paystack")).extracting(LedgerEntry::status).containsExactly("pending", "requires_action");
        assertThat(get(base, "/transaction/verify/" + actionRef, PAYSTACK_KEY).json().at("/data/status").asText())
                .isEqualTo("ongoing");
        assertThat(get(base, "/transaction/verify/" + pendingRef, PAYSTACK_KEY).json().at("/data/status").asText())
                .isEqualTo("pending");
    }

    @ParameterizedTest
    @CsvSource({"AUTH_error, 500", "AUTH_unavailable, 503", "AUTH_ratelimited, 429"})
    void failuresUseEnvelopeAndRecordNothing(String token, int status) {
        Resp r = charge(token, ref());
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.json().get("status").asBoolean()).isFalse();
        assertThat(r.json().get("message").asText()).isNotBlank();
        assertThat(sims.ledger("paystack")).isEmpty();
    }

    @Test
    void wrongOrMissingKeyIs401() {
        Resp wrong = postJson(base, "/transaction/charge_authorization", "sk_test_wrong", chargeBody("AUTH_success", ref()));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("status").asBoolean()).isFalse();
        assertThat(wrong.json().get("message").asText()).isEqualTo("Invalid key");
        assertThat(get(base, "/transaction/verify/x", null).status()).isEqualTo(401);
        assertThat(sims.ledger("paystack")).isEmpty();
    }

    @Test
    void duplicateReferenceIsRejected() {
        String ref = ref();
        assertThat(charge("AUTH_success", ref).status()).isEqualTo(200);
        Resp dup = charge("AUTH_success", ref);
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.json().get("status").asBoolean()).isFalse();
        assertThat(dup.json().get("message").asText()).isEqualTo("Duplicate Transaction Reference");
        assertThat(sims.ledger("paystack")).hasSize(1);
    }

    @Test
    void aReferenceWhoseChargeErroredCanBeRetried() {
        String ref = ref();
        assertThat(charge("AUTH_error", ref).status()).isEqualTo(500);
        assertThat(charge("AUTH_success", ref).status()).isEqualTo(200);
        assertThat(sims.ledger("paystack")).hasSize(1);
    }

    @Test
    void verifyRecordedAndUnknown() {
        String ref = ref();
        Resp c = charge("AUTH_success", ref);
        Resp v = get(base, "/transaction/verify/" + ref, PAYSTACK_KEY);
        assertThat(v.status()).isEqualTo(200);
        assertThat(v.json().get("status").asBoolean()).isTrue();
        assertThat(v.json().get("message").asText()).isEqualTo("Verification successful");
        assertThat(v.json().at("/data/status").asText()).isEqualTo("success");
        assertThat(v.json().at("/data/id").asLong()).isEqualTo(c.json().at("/data/id").asLong());
        assertThat(v.json().at("/data/metadata/payroute_charge_id").asText()).isEqualTo("chg_1");

        Resp unknown = get(base, "/transaction/verify/nope-123", PAYSTACK_KEY);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("status").asBoolean()).isFalse();
        assertThat(unknown.json().get("message").asText()).isEqualTo("Transaction reference not found");
    }

    @Test
    void validationErrors() {
        for (String field : new String[]{"email", "amount", "authorization_code"}) {
            Map<String, Object> body = chargeBody("AUTH_success", ref());
            body.remove(field);
            Resp r = postJson(base, "/transaction/charge_authorization", PAYSTACK_KEY, body);
            assertThat(r.status()).as(field).isEqualTo(400);
            assertThat(r.json().get("status").asBoolean()).isFalse();
            assertThat(r.json().get("message").asText()).contains(field);
        }
        Resp badJson = postJson(base, "/transaction/charge_authorization", PAYSTACK_KEY, "{not json");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.json().get("status").asBoolean()).isFalse();
        Map<String, Object> fractional = chargeBody("AUTH_success", ref());
        fractional.put("amount", "500.5");
        assertThat(postJson(base, "/transaction/charge_authorization", PAYSTACK_KEY, fractional).status()).isEqualTo(400);
        assertThat(sims.ledger("paystack")).isEmpty();
    }

    @Test
    void metadataMayBeAStringifiedObject() {
        Map<String, Object> body = chargeBody("AUTH_success", ref());
        body.put("metadata", "{\"payroute_charge_id\":\"chg_9\"}");
        assertThat(postJson(base, "/transaction/charge_authorization", PAYSTACK_KEY, body).status()).isEqualTo(200);
        assertThat(sims.ledger("paystack").get(0).metadataValue("payroute_charge_id")).isEqualTo("chg_9");
    }

    static Map<String, Object> cardBody(String number, String reference) {
        Map<String, Object> b = chargeBody(null, reference);
        b.remove("authorization_code");
        b.put("card", Map.of("number", number, "cvv", "408", "expiry_month", "12", "expiry_year", "2030"));
        return b;
    }

    @Test
    void rawCardsUseTheSharedTableAndOnlyLast4AndBinAreKept() {
        Resp ok = postJson(base, "/charge", PAYSTACK_KEY, cardBody(TestCards.SUCCESS, ref()));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().at("/data/status").asText()).isEqualTo("success");
        assertThat(ok.json().at("/data/authorization/last4").asText()).isEqualTo("4242");
        assertThat(ok.json().at("/data/authorization/bin").asText()).isEqualTo("424242");

        Resp nsf = postJson(base, "/charge", PAYSTACK_KEY, cardBody(TestCards.INSUFFICIENT_FUNDS, ref()));
        assertThat(nsf.json().at("/data/status").asText()).isEqualTo("failed");
        assertThat(nsf.json().at("/data/gateway_response").asText()).isEqualTo("Insufficient Funds");

        Resp action = postJson(base, "/charge", PAYSTACK_KEY, cardBody(TestCards.REQUIRES_ACTION, ref()));
        assertThat(action.json().at("/data/status").asText()).isEqualTo("open_url");

        Resp err = postJson(base, "/charge", PAYSTACK_KEY, cardBody(TestCards.PROCESSING_ERROR, ref()));
        assertThat(err.status()).isEqualTo(500);

        Resp invalid = postJson(base, "/charge", PAYSTACK_KEY, cardBody("4242424242424241", ref()));
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().get("status").asBoolean()).isFalse();
        assertThat(invalid.json().get("message").asText()).isEqualTo("Invalid card number");

        // another Luhn-valid number: statistical (all success with zero rates)
        Resp other = postJson(base, "/charge", PAYSTACK_KEY, cardBody("5555555555554444", ref()));
        assertThat(other.json().at("/data/status").asText()).isEqualTo("success");

        assertThat(sims.ledger("paystack")).extracting(LedgerEntry::status)
                .containsExactly("succeeded", "failed", "requires_action", "succeeded");
        assertThat(sims.ledger("paystack").get(0).paymentMethod()).isEqualTo(new LedgerEntry.PaymentMethod("card", "4242", "424242"));
        String ledgerJson = control(sims, "GET", "/sim/paystack/ledger", null).raw();
        assertThat(ledgerJson).doesNotContain(TestCards.SUCCESS, TestCards.INSUFFICIENT_FUNDS, "5555555555554444", "cvv");
        assertThat(sims.ledger("paystack").toString()).doesNotContain(TestCards.SUCCESS);
    }

    @Test
    void timeoutMarkerRecordsAtOnceAndAnswersLate() throws Exception {
        String ref = ref();
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<String>> f = HTTP.sendAsync(
                request(base, "/transaction/charge_authorization", PAYSTACK_KEY).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(MAPPER.writeValueAsString(chargeBody("AUTH_timeout", ref))))
                        .build(), HttpResponse.BodyHandlers.ofString());
        long deadline = System.currentTimeMillis() + 2000;
        while (sims.ledger("paystack").isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertThat(sims.ledger("paystack")).singleElement().extracting(LedgerEntry::status).isEqualTo("succeeded");
        assertThat(f).isNotDone();
        HttpResponse<String> r = f.get(5, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(550);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(MAPPER.readTree(r.body()).at("/data/status").asText()).isEqualTo("success");
    }

    @Test
    void unknownPathIs404InEnvelope() {
        Resp r = get(base, "/nope", PAYSTACK_KEY);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("status").asBoolean()).isFalse();
    }
}
