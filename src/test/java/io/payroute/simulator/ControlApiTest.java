package io.payroute.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ControlApiTest extends SimulatorTestSupport {

    void chargePaystack(String reference) {
        Resp r = postJson(sims.baseUrl("paystack"), "/transaction/charge_authorization", PAYSTACK_KEY,
                Map.of("email", "a@b.c", "amount", 100, "authorization_code", "AUTH_success", "reference", reference,
                        "metadata", Map.of("payroute_reference", reference)));
        assertThat(r.status()).isEqualTo(200);
    }

    @Test
    void listsProviders() {
        Resp r = control(sims, "GET", "/sim", null);
        assertThat(r.status()).isEqualTo(200);
        JsonNode providers = r.json().get("providers");
        assertThat(providers).hasSize(3);
        assertThat(providers.findValuesAsText("name")).containsExactly("paystack", "flutterwave", "stripe");
        for (JsonNode p : providers) {
            assertThat(p.get("base_url").asText()).isEqualTo(sims.baseUrl(p.get("name").asText()).toString());
            assertThat(p.get("mode").asText()).isEqualTo("normal");
            assertThat(p.at("/behaviour/timeout_delay_ms").asLong()).isEqualTo(600);
        }
        assertThat(sims.baseUrl("flutterwave").getPath()).isEmpty(); // root URL; clients append /v3
    }

    @Test
    void ledgerListFilterAndClear() {
        String a = ref();
        chargePaystack(a);
        chargePaystack(ref());
        Resp all = control(sims, "GET", "/sim/paystack/ledger", null);
        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().get("provider").asText()).isEqualTo("paystack");
        assertThat(all.json().get("entries")).hasSize(2);
        JsonNode e = all.json().at("/entries/0");
        assertThat(e.get("id").asText()).isNotBlank();
        assertThat(e.get("reference").asText()).isEqualTo(a);
        assertThat(e.get("amount").asLong()).isEqualTo(100);
        assertThat(e.get("currency").asText()).isEqualTo("NGN");
        assertThat(e.get("status").asText()).isEqualTo("succeeded");
        assertThat(e.at("/payment_method/type").asText()).isEqualTo("token");
        assertThat(e.at("/metadata/payroute_reference").asText()).isEqualTo(a);
        assertThat(java.time.Instant.parse(e.get("created_at").asText())).isNotNull();

        Resp filtered = control(sims, "GET", "/sim/paystack/ledger?reference=" + a, null);
        assertThat(filtered.json().get("entries")).hasSize(1);

        Resp cleared = control(sims, "DELETE", "/sim/paystack/ledger", null);
        assertThat(cleared.status()).isEqualTo(204);
        assertThat(control(sims, "GET", "/sim/paystack/ledger", null).json().get("entries")).isEmpty();
        // a cleared reference can be used again
        chargePaystack(a);
    }

    @Test
    void modeGetAndPut() {
        Resp put = control(sims, "PUT", "/sim/flutterwave/mode", "{\"mode\":\"unavailable\"}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().get("mode").asText()).isEqualTo("unavailable");
        assertThat(control(sims, "GET", "/sim/flutterwave/mode", null).json().get("mode").asText()).isEqualTo("unavailable");
        assertThat(get(sims.baseUrl("flutterwave"), "/v3/transactions/1/verify", FLUTTERWAVE_KEY).status()).isEqualTo(503);

        assertThat(control(sims, "PUT", "/sim/flutterwave/mode", "{\"mode\":\"refuse\"}").status()).isEqualTo(200);
        assertThat(sims.mode("flutterwave")).isEqualTo(Mode.REFUSE);
        assertThat(control(sims, "PUT", "/sim/flutterwave/mode", "{\"mode\":\"NORMAL\"}").json().get("mode").asText()).isEqualTo("normal");
        assertThat(get(sims.baseUrl("flutterwave"), "/v3/transactions/1/verify", FLUTTERWAVE_KEY).status()).isEqualTo(400);
    }

    @Test
    void behaviourPartialUpdate() {
        Resp r = control(sims, "PUT", "/sim/stripe/behaviour", "{\"latency_ms\":150,\"decline_rate\":0.1}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("latency_ms").asLong()).isEqualTo(150);
        assertThat(r.json().get("decline_rate").asDouble()).isEqualTo(0.1);
        assertThat(r.json().get("timeout_delay_ms").asLong()).isEqualTo(600); // untouched
        assertThat(sims.behaviour("stripe")).isEqualTo(new Behaviour(150, 0, 0.1, 0.0, 600));
        Resp all = control(sims, "PUT", "/sim/stripe/behaviour",
                "{\"latency_ms\":0,\"latency_jitter_ms\":20,\"decline_rate\":0,\"error_rate\":0.05,\"timeout_delay_ms\":30000}");
        assertThat(sims.behaviour("stripe")).isEqualTo(new Behaviour(0, 20, 0.0, 0.05, 30000));
        assertThat(all.json().get("error_rate").asDouble()).isEqualTo(0.05);
        control(sims, "PUT", "/sim/stripe/behaviour", "{\"pending_settle_ms\":2500}");
        assertThat(sims.behaviour("stripe")).isEqualTo(new Behaviour(0, 20, 0.0, 0.05, 30000, 2500));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/sim/stripe/behaviour | {\"decline_rate\":1.5}        | decline_rate",
            "/sim/stripe/behaviour | {\"latency_ms\":-1}           | latency_ms",
            "/sim/stripe/behaviour | {\"latency_ms\":\"fast\"}     | latency_ms",
            "/sim/stripe/behaviour | {\"latency_ms\":1.5}          | latency_ms",
            "/sim/stripe/behaviour | {\"speed\":1}                 | speed",
            "/sim/stripe/behaviour | {not json                     | body",
            "/sim/stripe/mode      | {\"mode\":\"sideways\"}       | mode",
            "/sim/stripe/mode      | {}                            | mode",
            "/sim/stripe/behaviour | {\"pending_settle_ms\":-5}    | pending_settle_ms",
            "/sim/stripe/webhooks  | {\"url\":\"/relative/path\"}  | url",
            "/sim/stripe/webhooks  | {\"url\":\"ftp://example.com\"} | url",
            "/sim/stripe/webhooks  | {\"url\":\"http:///no-host\"} | url",
            "/sim/stripe/webhooks  | {\"url\":\"http://bad host/\"} | url",
            "/sim/stripe/webhooks  | {\"url\":5}                  | url",
            "/sim/stripe/webhooks  | {\"send\":\"sometimes\"}     | send",
            "/sim/stripe/webhooks  | {\"send\":true}              | send",
            "/sim/stripe/webhooks  | {\"url\":\"http://127.0.0.1:9/h\",\"secret\":\"x\"} | secret",
            "/sim/stripe/webhooks  | [1]                           | body",
    })
    void badInputIs400ProblemNamingTheField(String path, String body, String field) {
        Resp r = control(sims, "PUT", path, body);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("status").asInt()).isEqualTo(400);
        assertThat(r.json().get("field").asText()).isEqualTo(field);
        assertThat(r.json().get("detail").asText()).contains(field.equals("body") ? "JSON" : field);
        assertThat(sims.behaviour("stripe")).isEqualTo(testBehaviour());
        assertThat(sims.mode("stripe")).isEqualTo(Mode.NORMAL);
        assertThat(sims.webhooks("stripe")).isEqualTo(WebhookSettings.defaults());
    }

    @Test
    void webhooksGetAndPartialPut() {
        Resp initial = control(sims, "GET", "/sim/paystack/webhooks", null);
        assertThat(initial.status()).isEqualTo(200);
        assertThat(initial.json().get("provider").asText()).isEqualTo("paystack");
        assertThat(initial.json().get("url").isNull()).isTrue();
        assertThat(initial.json().get("send").asText()).isEqualTo("async");

        Resp put = control(sims, "PUT", "/sim/paystack/webhooks", "{\"url\":\"http://127.0.0.1:9/v1/webhooks/paystack\",\"send\":\"ALL\"}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.json().get("url").asText()).isEqualTo("http://127.0.0.1:9/v1/webhooks/paystack");
        assertThat(put.json().get("send").asText()).isEqualTo("all");
        assertThat(sims.webhooks("paystack"))
                .isEqualTo(new WebhookSettings(java.net.URI.create("http://127.0.0.1:9/v1/webhooks/paystack"), WebhookSend.ALL));

        assertThat(control(sims, "PUT", "/sim/paystack/webhooks", "{\"send\":\"none\"}").json().get("url").asText())
                .isEqualTo("http://127.0.0.1:9/v1/webhooks/paystack"); // untouched
        assertThat(control(sims, "PUT", "/sim/paystack/webhooks", "{\"url\":null}").json().get("url").isNull()).isTrue();
        assertThat(sims.webhooks("paystack")).isEqualTo(new WebhookSettings(null, WebhookSend.NONE));

        JsonNode overview = control(sims, "GET", "/sim", null).json().at("/providers/0");
        assertThat(overview.at("/webhooks/send").asText()).isEqualTo("none");
        assertThat(overview.at("/behaviour/pending_settle_ms").asLong()).isZero();

        Resp deliveries = control(sims, "GET", "/sim/paystack/webhooks/deliveries", null);
        assertThat(deliveries.status()).isEqualTo(200);
        assertThat(deliveries.json().get("provider").asText()).isEqualTo("paystack");
        assertThat(deliveries.json().get("deliveries")).isEmpty();
        assertThat(control(sims, "POST", "/sim/paystack/webhooks/deliveries", "{}").status()).isEqualTo(405);
        assertThat(control(sims, "DELETE", "/sim/paystack/webhooks", null).status()).isEqualTo(405);
        assertThat(control(sims, "GET", "/sim/paystack/webhooks/other", null).status()).isEqualTo(404);
        assertThat(control(sims, "GET", "/sim/paystack/ledger/deliveries", null).status()).isEqualTo(404);
    }

    @Test
    void unknownProviderIs404Problem() {
        for (String[] call : new String[][]{{"GET", "/sim/adyen/ledger"}, {"DELETE", "/sim/adyen/ledger"},
                {"GET", "/sim/adyen/mode"}, {"PUT", "/sim/adyen/behaviour"}, {"GET", "/sim/adyen/webhooks"},
                {"GET", "/sim/adyen/webhooks/deliveries"}}) {
            Resp r = control(sims, call[0], call[1], call[0].equals("PUT") ? "{}" : null);
            assertThat(r.status()).as(call[1]).isEqualTo(404);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().get("detail").asText()).contains("adyen");
        }
        assertThat(control(sims, "GET", "/sim/stripe/unknown", null).status()).isEqualTo(404);
        assertThat(control(sims, "POST", "/sim/stripe/mode", "{}").status()).isEqualTo(405);
    }

    @Test
    void javaApiMirrorsControlApi() {
        chargePaystack(ref());
        sims.clearLedgers();
        assertThat(sims.allLedgers()).isEmpty();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> sims.ledger("adyen"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
