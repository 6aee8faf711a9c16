package io.payroute.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.payroute.simulator.LedgerEntry;
import io.payroute.support.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/** The synchronous charge path over real HTTP: merchant → PayRoute → provider simulators → stored charge. */
@ExtendWith(OutputCaptureExtension.class)
class ChargeFlowApiTest extends ApiTestSupport {

    @Test
    void successfulChargeIsRoutedChargedOnceAndStored() {
        Response r = postCharge(chargeBody(500_000, "NGN", Map.of(
                "paystack", "AUTH_success_1", "flutterwave", "flw-t1nf-success", "stripe", "pm_card_success")));

        assertThat(r.status()).isEqualTo(201);
        JsonNode charge = r.json();
        String id = charge.get("id").asText();
        assertThat(r.header("Location")).isEqualTo("/v1/charges/" + id);
        assertThat(charge.get("status").asText()).isEqualTo("succeeded");
        assertThat(charge.get("amount").asLong()).isEqualTo(500_000);
        assertThat(charge.get("currency").asText()).isEqualTo("NGN");
        String provider = charge.get("provider").asText();
        assertThat(charge.get("provider_reference").asText()).isNotBlank();
        assertThat(charge.get("attempts")).hasSize(1);
        assertThat(charge.at("/attempts/0/outcome").asText()).isEqualTo("SUCCESS");
        assertThat(charge.at("/attempts/0/latency_ms").isInt()).isTrue();
        // the decision is explained: every eligible provider with its score, the one chosen first
        JsonNode routing = charge.get("routing");
        assertThat(routing.get("strategy").asText()).isEqualTo("smart");
        assertThat(routing.get("candidates")).hasSize(3);
        assertThat(routing.at("/candidates/0/provider").asText()).isEqualTo(provider);
        assertThat(routing.at("/candidates/0/score").asDouble())
                .isGreaterThanOrEqualTo(routing.at("/candidates/1/score").asDouble());
        assertThat(routing.get("chosen").asText()).isEqualTo(provider);

        // exactly one charge at the providers, for the right amount in minor units (Flutterwave gets major units)
        List<LedgerEntry> entries = ledgerEntriesFor(id);
        assertThat(entries).singleElement().satisfies(e -> {
            assertThat(e.amount()).isEqualTo(500_000);
            assertThat(e.currency()).isEqualTo("NGN");
            assertThat(e.status()).isEqualTo(LedgerEntry.SUCCEEDED);
        });

        // GET returns the same canonical charge
        Response read = get("/v1/charges/" + id);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.json()).isEqualTo(charge);

        // every state change is in the event log
        assertThat(jdbc.queryForList("SELECT type FROM charge_events WHERE charge_id = ? ORDER BY id", String.class, id))
                .containsExactly("charge.created", "charge.succeeded");
    }

    @Test
    void eachProviderSpeaksItsOwnWireFormat() {
        for (String provider : List.of("paystack", "flutterwave", "stripe")) {
            String token = switch (provider) {
                case "paystack" -> "AUTH_success";
                case "flutterwave" -> "flw-t1nf-success";
                default -> "pm_card_success";
            };
            Response r = postCharge(chargeBody(12_345, "NGN", Map.of(provider, token)));
            assertThat(r.status()).as(provider).isEqualTo(201);
            assertThat(r.json().get("status").asText()).as(provider).isEqualTo("succeeded");
            assertThat(r.json().get("provider").asText()).isEqualTo(provider);
            LedgerEntry entry = ledgerEntriesFor(r.json().get("id").asText()).get(0);
            assertThat(entry.amount()).as(provider + " amount in minor units").isEqualTo(12_345);
            assertThat(entry.metadataValue("cart")).as("merchant metadata passed through").isEqualTo("42");
        }
    }

    @Test
    void declineIsFinalAndNeverFailsOver() {
        Response r = postCharge(chargeBody(1_000, "NGN", Map.of(
                "flutterwave", "flw-t1nf-decline_insufficient_funds", "paystack", "AUTH_success")));

        assertThat(r.status()).isEqualTo(201);
        JsonNode charge = r.json();
        assertThat(charge.get("status").asText()).isEqualTo("failed");
        assertThat(charge.get("provider").asText()).isEqualTo("flutterwave");
        assertThat(charge.at("/failure/code").asText()).isEqualTo("insufficient_funds");
        assertThat(charge.at("/failure/category").asText()).isEqualTo("customer");
        assertThat(charge.get("attempts")).hasSize(1);
        assertThat(charge.at("/attempts/0/outcome").asText()).isEqualTo("DECLINED");
        assertThat(simulators.ledger("paystack")).as("no failover after a decline").isEmpty();
    }

    @Test
    void declineShapesOfEveryProviderMapToUnifiedCodes() {
        Map<String, String> declines = Map.of(
                "paystack", "AUTH_decline_stolen_card",
                "flutterwave", "flw-t1nf-decline_do_not_honor",
                "stripe", "pm_decline_expired_card");
        Map<String, String> expected = Map.of("paystack", "stolen_card/fraud", "flutterwave", "do_not_honor/issuer",
                "stripe", "expired_card/customer");
        declines.forEach((provider, token) -> {
            JsonNode charge = postCharge(chargeBody(2_000, "NGN", Map.of(provider, token))).json();
            assertThat(charge.get("status").asText()).isEqualTo("failed");
            assertThat(charge.at("/failure/code").asText() + "/" + charge.at("/failure/category").asText())
                    .as(provider).isEqualTo(expected.get(provider));
        });
    }

    @Test
    void pendingAndRequiresActionAreNotFinal() {
        JsonNode pending = postCharge(chargeBody(3_000, "NGN", Map.of("paystack", "AUTH_pending"))).json();
        assertThat(pending.get("status").asText()).isEqualTo("pending");
        assertThat(pending.at("/attempts/0/outcome").asText()).isEqualTo("PENDING");

        JsonNode action = postCharge(chargeBody(3_000, "USD", Map.of("stripe", "pm_requires_action"))).json();
        assertThat(action.get("status").asText()).isEqualTo("requires_action");
        // the merchant learns what the customer must do: here, authenticate at the issuer's page
        assertThat(action.at("/next_action/type").asText()).isEqualTo("redirect");
        assertThat(action.at("/next_action/url").asText()).startsWith("https://hooks.stripe.com/redirect/authenticate/");
        assertThat(pending.get("next_action").isNull()).isTrue();
        assertThat(jdbc.queryForList("SELECT type FROM charge_events WHERE charge_id = ? ORDER BY id", String.class,
                action.get("id").asText())).containsExactly("charge.created", "charge.requires_action");
    }

    @Test
    void rawCardIsChargedButOnlyBinAndLast4AreEverStoredOrLogged(CapturedOutput logs) {
        String number = "4242424242424242";
        Response r = postCharge("""
                {"amount": 5000, "currency": "USD", "customer": {"email": "card@example.com"},
                 "payment_method": {"type": "card", "number": "%s", "exp_month": 12, "exp_year": 2031, "cvc": "314"}}"""
                .formatted(number));

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(r.json().at("/payment_method/bin").asText()).isEqualTo("424242");
        assertThat(r.json().at("/payment_method/last4").asText()).isEqualTo("4242");
        assertThat(r.text()).doesNotContain(number).doesNotContain("314\"");
        String id = r.json().get("id").asText();
        for (String table : List.of("charges", "charge_attempts", "charge_events", "idempotency_keys")) {
            String dump = jdbc.queryForList("SELECT * FROM " + table).toString();
            assertThat(dump).as(table).doesNotContain(number).doesNotContain("424242424242");
        }
        // the excerpt of what was sent is kept, redacted
        String excerpt = jdbc.queryForObject("SELECT request_excerpt FROM charge_attempts WHERE charge_id = ?", String.class, id);
        assertThat(excerpt).contains("****4242").doesNotContain(number);
        // nor in any log line of the whole run so far, together with the providers' secret keys
        assertThat(logs.getAll()).doesNotContain(number).doesNotContain("sk_test_payroute_sim")
                .doesNotContain("FLWSECK_TEST-payroute-sim");
    }

    @Test
    void unknownChargeIs404Problem() {
        Response r = get("/v1/charges/ch_00000000000000000000000000");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("code").asText()).isEqualTo("not_found");
    }

    @Test
    void inboundHeadersAreNeitherEchoedNorForwarded() {
        Response r = post("/v1/charges", chargeBody(1_500, "NGN", Map.of("paystack", "AUTH_success")),
                Map.of("Authorization", "Bearer " + MERCHANT_KEY, "X-Custom", "leak-me"));
        // the simulator only accepts PayRoute's own provider key: success proves the merchant's key was not sent on
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).isEqualTo("succeeded");
        assertThat(r.headers().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Custom") || h.equalsIgnoreCase("Authorization"));
        assertThat(r.text()).doesNotContain(MERCHANT_KEY).doesNotContain("sk_test");
    }

    @Test
    void readinessReportsUpOnceRoutesRun() {
        Response r = get("/actuator/health/readiness");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("UP");
    }
}
