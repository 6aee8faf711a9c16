package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StripeSimulatorTest extends SimulatorTestSupport {
    static URI base;

    @BeforeAll
    static void base() {
        base = sims.baseUrl("stripe");
    }

    static Map<String, String> params(String paymentMethod, String reference) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("amount", "2500");
        p.put("currency", "usd");
        p.put("payment_method", paymentMethod);
        p.put("confirm", "true");
        p.put("metadata[payroute_charge_id]", "chg_3");
        p.put("metadata[payroute_reference]", reference);
        return p;
    }

    static Map<String, String> cardParams(String number, String reference) {
        Map<String, String> p = params(null, reference);
        p.remove("payment_method");
        p.put("payment_method_data[type]", "card");
        p.put("payment_method_data[card][number]", number);
        p.put("payment_method_data[card][exp_month]", "12");
        p.put("payment_method_data[card][exp_year]", "2030");
        p.put("payment_method_data[card][cvc]", "123");
        return p;
    }

    static Resp create(Map<String, String> params) {
        return postForm(base, "/v1/payment_intents", STRIPE_KEY, params);
    }

    @Test
    void successReturnsASucceededPaymentIntent() {
        String ref = ref();
        Resp r = create(params("pm_success_visa", ref));
        assertThat(r.status()).isEqualTo(200);
        JsonNode pi = r.json();
        assertThat(pi.get("id").asText()).startsWith("pi_");
        assertThat(pi.get("object").asText()).isEqualTo("payment_intent");
        assertThat(pi.get("amount").asLong()).isEqualTo(2500);
        assertThat(pi.get("currency").asText()).isEqualTo("usd");
        assertThat(pi.get("status").asText()).isEqualTo("succeeded");
        assertThat(pi.get("latest_charge").asText()).startsWith("ch_");
        assertThat(pi.get("livemode").asBoolean()).isFalse();
        assertThat(pi.get("created").isIntegralNumber()).isTrue();
        assertThat(pi.get("next_action").isNull()).isTrue();
        assertThat(pi.get("last_payment_error").isNull()).isTrue();
        assertThat(pi.at("/metadata/payroute_reference").asText()).isEqualTo(ref);

        assertThat(sims.ledger("stripe")).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo(pi.get("id").asText());
            assertThat(e.reference()).isEqualTo(ref);
            assertThat(e.amount()).isEqualTo(2500);
            assertThat(e.currency()).isEqualTo("USD");
            assertThat(e.status()).isEqualTo("succeeded");
            assertThat(e.metadataValue("payroute_charge_id")).isEqualTo("chg_3");
        });
    }

    @Test
    void basicAuthWithTheKeyAsUserIsAccepted() {
        String basic = Base64.getEncoder().encodeToString((STRIPE_KEY + ":").getBytes(StandardCharsets.UTF_8));
        Resp r = send(request(base, "/v1/payment_intents", null).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(form(params("pm_success", ref())))).build());
        assertThat(r.status()).isEqualTo(200);
        String wrong = Base64.getEncoder().encodeToString("sk_test_nope:".getBytes(StandardCharsets.UTF_8));
        Resp denied = send(request(base, "/v1/payment_intents/pi_x", null).header("Authorization", "Basic " + wrong).GET().build());
        assertThat(denied.status()).isEqualTo(401);
    }

    @Test
    void referenceDefaultsToTheIntentId() {
        Map<String, String> p = params("pm_success", "x");
        p.remove("metadata[payroute_reference]");
        String id = create(p).json().get("id").asText();
        assertThat(sims.ledger("stripe")).singleElement().extracting(LedgerEntry::reference).isEqualTo(id);
    }

    @ParameterizedTest
    @CsvSource({
            "pm_decline_insufficient_funds, card_declined, insufficient_funds",
            "pm_decline_do_not_honor, card_declined, do_not_honor",
            "pm_decline_incorrect_pin, card_declined, incorrect_pin",
            "pm_decline_expired_card, expired_card, expired_card",
            "pm_decline_stolen_card, card_declined, stolen_card",
    })
    void declinesAre402CardErrors(String token, String code, String declineCode) {
        Resp r = create(params(token, ref()));
        assertThat(r.status()).isEqualTo(402);
        JsonNode e = r.json().get("error");
        assertThat(e.get("type").asText()).isEqualTo("card_error");
        assertThat(e.get("code").asText()).isEqualTo(code);
        assertThat(e.get("decline_code").asText()).isEqualTo(declineCode);
        assertThat(e.get("message").asText()).isNotBlank();
        assertThat(e.at("/payment_intent/status").asText()).isEqualTo("requires_payment_method");
        assertThat(e.at("/payment_intent/last_payment_error/decline_code").asText()).isEqualTo(declineCode);
        assertThat(sims.ledger("stripe")).singleElement().extracting(LedgerEntry::status).isEqualTo("failed");
    }

    @Test
    void rawCardsFollowTheTestCardTable() {
        assertThat(create(cardParams(TestCards.SUCCESS, ref())).json().get("status").asText()).isEqualTo("succeeded");

        JsonNode generic = create(cardParams(TestCards.GENERIC_DECLINE, ref())).json().get("error");
        assertThat(generic.get("decline_code").asText()).isEqualTo("generic_decline");
        JsonNode nsf = create(cardParams(TestCards.INSUFFICIENT_FUNDS, ref())).json().get("error");
        assertThat(nsf.get("decline_code").asText()).isEqualTo("insufficient_funds");
        JsonNode expired = create(cardParams(TestCards.EXPIRED_CARD, ref())).json().get("error");
        assertThat(expired.get("code").asText()).isEqualTo("expired_card");
        JsonNode cvc = create(cardParams(TestCards.INCORRECT_CVC, ref())).json().get("error");
        assertThat(cvc.get("code").asText()).isEqualTo("incorrect_cvc");

        Resp action = create(cardParams(TestCards.REQUIRES_ACTION, ref()));
        assertThat(action.status()).isEqualTo(200);
        assertThat(action.json().get("status").asText()).isEqualTo("requires_action");
        assertThat(action.json().at("/next_action/type").asText()).isEqualTo("redirect_to_url");

        Resp error = create(cardParams(TestCards.PROCESSING_ERROR, ref()));
        assertThat(error.status()).isEqualTo(500);
        assertThat(error.json().at("/error/type").asText()).isEqualTo("api_error");

        Resp invalid = create(cardParams("4242424242424243", ref()));
        assertThat(invalid.status()).isEqualTo(402);
        assertThat(invalid.json().at("/error/code").asText()).isEqualTo("incorrect_number");

        assertThat(sims.ledger("stripe")).extracting(LedgerEntry::status)
                .containsExactly("succeeded", "failed", "failed", "failed", "failed", "requires_action");
        assertThat(sims.ledger("stripe").get(0).paymentMethod()).isEqualTo(new LedgerEntry.PaymentMethod("card", "4242", "424242"));
        String ledgerJson = control(sims, "GET", "/sim/stripe/ledger", null).raw();
        assertThat(ledgerJson).doesNotContain(TestCards.SUCCESS, TestCards.INSUFFICIENT_FUNDS, TestCards.REQUIRES_ACTION, "cvc");
        // nor in any response body
        assertThat(action.raw()).doesNotContain(TestCards.REQUIRES_ACTION);
    }

    @Test
    void pendingIsProcessing() {
        Resp r = create(params("pm_pending", ref()));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("processing");
        assertThat(sims.ledger("stripe")).singleElement().extracting(LedgerEntry::status).isEqualTo("pending");
    }

    @ParameterizedTest
    @CsvSource({"pm_error, 500, api_error", "pm_unavailable, 503, api_error", "pm_ratelimited, 429, invalid_request_error"})
    void failuresUseStripeErrorsAndRecordNothing(String token, int status, String type) {
        Resp r = create(params(token, ref()));
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.json().at("/error/type").asText()).isEqualTo(type);
        assertThat(r.json().at("/error/message").asText()).isNotBlank();
        assertThat(sims.ledger("stripe")).isEmpty();
    }

    @Test
    void wrongKeyIs401() {
        Resp r = postForm(base, "/v1/payment_intents", "sk_test_wrong", params("pm_success", ref()));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(sims.ledger("stripe")).isEmpty();
    }

    @Test
    void retrieveKnownAndUnknown() {
        String id = create(params("pm_decline_insufficient_funds", ref())).json().at("/error/payment_intent/id").asText();
        Resp r = get(base, "/v1/payment_intents/" + id, STRIPE_KEY);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("requires_payment_method");
        assertThat(r.json().at("/last_payment_error/code").asText()).isEqualTo("card_declined");

        Resp unknown = get(base, "/v1/payment_intents/pi_unknown", STRIPE_KEY);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(unknown.json().at("/error/code").asText()).isEqualTo("resource_missing");
    }

    @Test
    void searchByMetadata() {
        String ref = ref();
        create(params("pm_success", "other-" + ref));
        String id = create(params("pm_success_2", ref)).json().get("id").asText();
        String q = URLEncoder.encode("metadata['payroute_reference']:'" + ref + "'", StandardCharsets.UTF_8);
        Resp r = get(base, "/v1/payment_intents/search?query=" + q, STRIPE_KEY);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("object").asText()).isEqualTo("search_result");
        assertThat(r.json().get("has_more").asBoolean()).isFalse();
        assertThat(r.json().get("url").asText()).isEqualTo("/v1/payment_intents/search");
        assertThat(r.json().get("data")).hasSize(1);
        assertThat(r.json().at("/data/0/id").asText()).isEqualTo(id);

        String none = URLEncoder.encode("metadata[\"payroute_reference\"]:\"nothing\"", StandardCharsets.UTF_8);
        assertThat(get(base, "/v1/payment_intents/search?query=" + none, STRIPE_KEY).json().get("data")).isEmpty();

        String bad = URLEncoder.encode("amount>100", StandardCharsets.UTF_8);
        Resp unsupported = get(base, "/v1/payment_intents/search?query=" + bad, STRIPE_KEY);
        assertThat(unsupported.status()).isEqualTo(400);
        assertThat(unsupported.json().at("/error/param").asText()).isEqualTo("query");
    }

    @Test
    void idempotencyReplayAndMismatch() {
        String ref = ref();
        java.net.http.HttpRequest first = formRequest(base, "/v1/payment_intents", STRIPE_KEY, params("pm_success", ref))
                .header("Idempotency-Key", "key-" + ref).build();
        Resp a = send(first);
        Resp b = send(first);
        assertThat(a.status()).isEqualTo(200);
        assertThat(b.status()).isEqualTo(200);
        assertThat(b.raw()).isEqualTo(a.raw());
        assertThat(a.header("Idempotent-Replayed")).isNull();
        assertThat(b.header("Idempotent-Replayed")).isEqualTo("true");
        assertThat(sims.ledger("stripe")).hasSize(1);

        Map<String, String> different = params("pm_success", ref);
        different.put("amount", "2600");
        Resp c = send(formRequest(base, "/v1/payment_intents", STRIPE_KEY, different).header("Idempotency-Key", "key-" + ref).build());
        assertThat(c.status()).isEqualTo(400);
        assertThat(c.json().at("/error/type").asText()).isEqualTo("idempotency_error");
        assertThat(sims.ledger("stripe")).hasSize(1);

        // a decline is replayed as the same 402
        java.net.http.HttpRequest declined = formRequest(base, "/v1/payment_intents", STRIPE_KEY, params("pm_decline_do_not_honor", ref))
                .header("Idempotency-Key", "key2-" + ref).build();
        Resp d1 = send(declined);
        Resp d2 = send(declined);
        assertThat(d2.status()).isEqualTo(402);
        assertThat(d2.raw()).isEqualTo(d1.raw());
        assertThat(sims.ledger("stripe")).hasSize(2);

        // 503s are not stored: a retry with the same key runs again
        java.net.http.HttpRequest unavailable = formRequest(base, "/v1/payment_intents", STRIPE_KEY, params("pm_unavailable", ref))
                .header("Idempotency-Key", "key3-" + ref).build();
        assertThat(send(unavailable).status()).isEqualTo(503);
        assertThat(send(unavailable).header("Idempotent-Replayed")).isNull();
    }

    @Test
    void validationErrorsNameTheParam() {
        Map<String, String> p = params("pm_success", ref());
        p.remove("amount");
        Resp r = create(p);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.json().at("/error/param").asText()).isEqualTo("amount");

        Map<String, String> noPm = params("pm_success", ref());
        noPm.remove("payment_method");
        assertThat(create(noPm).json().at("/error/param").asText()).isEqualTo("payment_method");

        Resp json = postJson(base, "/v1/payment_intents", STRIPE_KEY, Map.of("amount", 100));
        assertThat(json.status()).isEqualTo(400);
        assertThat(sims.ledger("stripe")).isEmpty();
    }

    @Test
    void formCodecDecodesNestedKeys() {
        Map<String, Object> m = FormCodec.decode("a=1&metadata%5Bk%5D=v+w&payment_method_data[card][number]=42&expand[]=x&expand[]=y");
        assertThat(m).containsEntry("a", "1");
        assertThat(m.get("metadata")).isEqualTo(Map.of("k", "v w"));
        assertThat(m.get("payment_method_data")).isEqualTo(Map.of("card", Map.of("number", "42")));
        assertThat(m.get("expand")).isEqualTo(java.util.List.of("x", "y"));
    }
}
