package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FlutterwaveSimulatorTest extends SimulatorTestSupport {
    static URI base;

    @BeforeAll
    static void base() {
        base = sims.baseUrl("flutterwave");
    }

    static Map<String, Object> body(String token, String txRef, Object amount, String currency) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("token", token);
        b.put("currency", currency);
        b.put("country", "NG");
        b.put("amount", amount);
        b.put("email", "ada@example.com");
        b.put("tx_ref", txRef);
        b.put("meta", Map.of("payroute_charge_id", "chg_2", "payroute_reference", txRef));
        return b;
    }

    static Resp charge(String token, String txRef) {
        return postJson(base, "/v3/tokenized-charges", FLUTTERWAVE_KEY, body(token, txRef, 100.50, "NGN"));
    }

    @Test
    void successConvertsMajorUnitsToMinorInTheLedger() {
        String txRef = ref();
        Resp r = charge("flw-t1nf-success-xyz1", txRef);
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("status").asText()).isEqualTo("success");
        assertThat(j.get("message").asText()).isEqualTo("Charge successful");
        JsonNode d = j.get("data");
        assertThat(d.get("id").isIntegralNumber()).isTrue();
        assertThat(d.get("tx_ref").asText()).isEqualTo(txRef);
        assertThat(d.get("flw_ref").asText()).isNotBlank();
        assertThat(d.get("status").asText()).isEqualTo("successful");
        assertThat(d.get("amount").decimalValue()).isEqualByComparingTo("100.50");
        assertThat(d.get("charged_amount").decimalValue()).isEqualByComparingTo("100.50");
        assertThat(d.get("currency").asText()).isEqualTo("NGN");
        assertThat(d.get("processor_response").asText()).isEqualTo("Approved");
        assertThat(d.at("/meta/payroute_charge_id").asText()).isEqualTo("chg_2");
        assertThat(r.raw()).contains("\"amount\":100.5").doesNotContain("E+");

        assertThat(sims.ledger("flutterwave")).singleElement().satisfies(e -> {
            assertThat(e.amount()).isEqualTo(10050);
            assertThat(e.currency()).isEqualTo("NGN");
            assertThat(e.reference()).isEqualTo(txRef);
            assertThat(e.id()).isEqualTo(d.get("id").asText());
            assertThat(e.status()).isEqualTo("succeeded");
            assertThat(e.paymentMethod().last4()).isEqualTo("xyz1");
        });
    }

    @Test
    void amountsUseTheCurrencysFractionDigits() {
        assertThat(postJson(base, "/v3/tokenized-charges", FLUTTERWAVE_KEY, body("tok_success", ref(), 1500, "JPY")).status()).isEqualTo(200);
        assertThat(postJson(base, "/v3/tokenized-charges", FLUTTERWAVE_KEY, body("tok_success", ref(), "2000", "ngn")).status()).isEqualTo(200);
        Resp tooPrecise = postJson(base, "/v3/tokenized-charges", FLUTTERWAVE_KEY, body("tok_success", ref(), 100.505, "NGN"));
        assertThat(tooPrecise.status()).isEqualTo(400);
        assertThat(tooPrecise.json().get("status").asText()).isEqualTo("error");
        assertThat(sims.ledger("flutterwave")).extracting(LedgerEntry::amount, LedgerEntry::currency)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1500L, "JPY"), org.assertj.core.groups.Tuple.tuple(200000L, "NGN"));
    }

    @ParameterizedTest
    @CsvSource({
            "tok_decline_insufficient_funds, Insufficient Funds",
            "tok_decline_do_not_honor, Do Not Honor",
            "tok_decline_incorrect_pin, Incorrect PIN",
            "tok_decline_expired_card, Expired Card",
            "tok_decline_stolen_card, Stolen Card",
    })
    void declinesAreErrorEnvelopesWithFailedTransaction(String token, String processorResponse) {
        Resp r = charge(token, ref());
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("status").asText()).isEqualTo("error");
        assertThat(r.json().get("message").asText()).isEqualTo(processorResponse);
        assertThat(r.json().at("/data/status").asText()).isEqualTo("failed");
        assertThat(r.json().at("/data/processor_response").asText()).isEqualTo(processorResponse);
        assertThat(sims.ledger("flutterwave")).singleElement().extracting(LedgerEntry::status).isEqualTo("failed");
    }

    @Test
    void pendingAndRequiresAction() {
        Resp pending = charge("tok_pending", ref());
        assertThat(pending.status()).isEqualTo(200);
        assertThat(pending.json().get("status").asText()).isEqualTo("success");
        assertThat(pending.json().at("/data/status").asText()).isEqualTo("pending");

        Resp action = charge("tok_requires_action", ref());
        assertThat(action.json().at("/data/status").asText()).isEqualTo("pending");
        assertThat(action.json().at("/meta/authorization/mode").asText()).isEqualTo("redirect");
        assertThat(action.json().at("/meta/authorization/redirect").asText()).startsWith("https://");
        assertThat(sims.ledger("flutterwave")).extracting(LedgerEntry::status).containsExactly("pending", "requires_action");
    }

    @ParameterizedTest
    @CsvSource({"tok_error, 500", "tok_unavailable, 503", "tok_ratelimited, 429"})
    void failuresUseEnvelopeAndRecordNothing(String token, int status) {
        Resp r = charge(token, ref());
        assertThat(r.status()).isEqualTo(status);
        assertThat(r.json().get("status").asText()).isEqualTo("error");
        assertThat(r.json().get("data").isNull()).isTrue();
        assertThat(sims.ledger("flutterwave")).isEmpty();
    }

    @Test
    void wrongKeyIs401() {
        Resp r = postJson(base, "/v3/tokenized-charges", "FLWSECK_TEST-wrong", body("tok_success", ref(), 10, "NGN"));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("status").asText()).isEqualTo("error");
        assertThat(get(base, "/v3/transactions/1/verify", null).status()).isEqualTo(401);
    }

    @Test
    void duplicateTxRef() {
        String txRef = ref();
        assertThat(charge("tok_success", txRef).status()).isEqualTo(200);
        Resp dup = charge("tok_success", txRef);
        assertThat(dup.status()).isEqualTo(400);
        assertThat(dup.json().get("status").asText()).isEqualTo("error");
        assertThat(dup.json().get("message").asText()).containsIgnoringCase("duplicate");
        assertThat(sims.ledger("flutterwave")).hasSize(1);
    }

    @Test
    void verifyByReferenceAndById() {
        String txRef = ref();
        long id = charge("tok_decline_insufficient_funds", txRef).json().at("/data/id").asLong();

        Resp byRef = get(base, "/v3/transactions/verify_by_reference?tx_ref=" + txRef, FLUTTERWAVE_KEY);
        assertThat(byRef.status()).isEqualTo(200);
        assertThat(byRef.json().get("status").asText()).isEqualTo("success");
        assertThat(byRef.json().at("/data/id").asLong()).isEqualTo(id);
        assertThat(byRef.json().at("/data/status").asText()).isEqualTo("failed");
        assertThat(byRef.json().at("/data/amount").decimalValue()).isEqualByComparingTo("100.5");

        Resp byId = get(base, "/v3/transactions/" + id + "/verify", FLUTTERWAVE_KEY);
        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.json().at("/data/tx_ref").asText()).isEqualTo(txRef);

        for (String path : List.of("/v3/transactions/verify_by_reference?tx_ref=unknown", "/v3/transactions/999/verify")) {
            Resp unknown = get(base, path, FLUTTERWAVE_KEY);
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.json().get("status").asText()).isEqualTo("error");
            assertThat(unknown.json().get("message").asText()).isEqualTo("No transaction was found for this id");
        }
    }

    @Test
    void validationAndMetaListForm() {
        Map<String, Object> missing = body("tok_success", ref(), 10, "NGN");
        missing.remove("tx_ref");
        Resp r = postJson(base, "/v3/tokenized-charges", FLUTTERWAVE_KEY, missing);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).contains("tx_ref");

        Map<String, Object> listMeta = body("tok_success", ref(), 10, "NGN");
        listMeta.put("meta", List.of(Map.of("metaname", "payroute_charge_id", "metavalue", "chg_7")));
        assertThat(postJson(base, "/v3/tokenized-charges", FLUTTERWAVE_KEY, listMeta).status()).isEqualTo(200);
        assertThat(sims.ledger("flutterwave")).singleElement()
                .satisfies(e -> assertThat(e.metadataValue("payroute_charge_id")).isEqualTo("chg_7"));
    }

    @Test
    void rootPathsAreNotFlutterwave() {
        Resp r = postJson(base, "/tokenized-charges", FLUTTERWAVE_KEY, body("tok_success", ref(), 10, "NGN"));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("status").asText()).isEqualTo("error");
    }
}
