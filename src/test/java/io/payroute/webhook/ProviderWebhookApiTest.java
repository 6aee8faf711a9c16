package io.payroute.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.payroute.simulator.WebhookSend;
import io.payroute.support.ApiTestSupport;
import org.junit.jupiter.api.Test;

/**
 * Provider webhooks over real HTTP: signed as each provider signs them (computed here, independently of the
 * service's code), with bodies built from what the provider simulators really answer for the charge.
 */
class ProviderWebhookApiTest extends ApiTestSupport {

    private static final String PAYSTACK_KEY = "sk_test_payroute_sim_paystack";
    private static final String FLUTTERWAVE_KEY = "FLWSECK_TEST-payroute-sim";
    private static final String FLUTTERWAVE_HASH = "payroute-sim-flw-hash";
    private static final String STRIPE_KEY = "sk_test_payroute_sim_stripe";
    private static final String STRIPE_SECRET = "whsec_payroute_sim_stripe";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    // --- what a provider would send -------------------------------------------------------------------------

    /** The transaction as Paystack's verify endpoint reports it now, in a charge.success webhook. */
    private String paystackWebhook(String reference) {
        JsonNode verify = providerGet("paystack", "/transaction/verify/" + reference, PAYSTACK_KEY);
        return JSON.createObjectNode().put("event", "charge.success").set("data", verify.get("data")).toString();
    }

    private String flutterwaveWebhook(String reference, String claimedStatus) {
        JsonNode verify = providerGet("flutterwave", "/v3/transactions/verify_by_reference?tx_ref=" + reference, FLUTTERWAVE_KEY);
        ObjectNode data = (ObjectNode) verify.get("data").deepCopy();
        data.put("status", claimedStatus);
        return JSON.createObjectNode().put("event", "charge.completed").set("data", data).toString();
    }

    private String stripeWebhook(String eventId, String type, String paymentIntentId) {
        JsonNode intent = providerGet("stripe", "/v1/payment_intents/" + paymentIntentId, STRIPE_KEY);
        ObjectNode event = JSON.createObjectNode().put("id", eventId).put("object", "event").put("type", type)
                .put("created", Instant.now().getEpochSecond()).put("livemode", false);
        event.putObject("data").set("object", intent);
        return event.toString();
    }

    private JsonNode providerGet(String provider, String path, String key) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(simulators.baseUrl(provider) + path))
                    .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String hmac(String algorithm, String key, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String stripeSignature(String body, long t, String... secrets) {
        StringBuilder header = new StringBuilder("t=" + t);
        for (String secret : secrets) {
            header.append(",v1=").append(hmac("HmacSHA256", secret, t + "." + body));
        }
        return header.toString();
    }

    private Response deliver(String provider, String body, Map<String, String> headers) {
        return post("/v1/webhooks/" + provider, body, headers);
    }

    private Response paystack(String body) {
        return deliver("paystack", body, Map.of("x-paystack-signature", hmac("HmacSHA512", PAYSTACK_KEY, body)));
    }

    private Response stripe(String body) {
        return deliver("stripe", body, Map.of("Stripe-Signature", stripeSignature(body, Instant.now().getEpochSecond(), STRIPE_SECRET)));
    }

    // --- fixtures -----------------------------------------------------------------------------------------------

    private JsonNode pendingCharge(String provider, String currency, String token) {
        JsonNode charge = postCharge(chargeBody(12_345, currency, Map.of(provider, token))).json();
        assertThat(charge.get("status").asText()).as(charge.toString()).isEqualTo("pending");
        return charge;
    }

    private JsonNode awaitWebhook(String provider, String chargeId, String result) {
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            var rows = jdbc.queryForList("SELECT result FROM provider_webhooks WHERE provider = ? AND charge_id = ? AND result = ?",
                    provider, chargeId, result);
            if (!rows.isEmpty()) {
                return get("/v1/charges/" + chargeId).json();
            }
            sleep(25);
        }
        throw new AssertionError("no " + result + " webhook recorded for " + chargeId + ": "
                + jdbc.queryForList("SELECT * FROM provider_webhooks WHERE charge_id = ?", chargeId));
    }

    private int webhookRows(String chargeId) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM provider_webhooks WHERE charge_id = ?", Integer.class, chargeId);
    }

    private int events(String chargeId, String type) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM charge_events WHERE charge_id = ? AND type = ?", Integer.class, chargeId, type);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    // --- tests --------------------------------------------------------------------------------------------------

    @Test
    void aVerifiedPaystackWebhookSettlesThePendingChargeAndADuplicateIsAppliedOnce() {
        JsonNode charge = pendingCharge("paystack", "NGN", "AUTH_pending");
        String id = charge.get("id").asText();
        String reference = charge.at("/attempts/0/reference").asText();
        simulators.settle("paystack", reference, true);
        String body = paystackWebhook(reference);

        Response first = paystack(body);
        assertThat(first.status()).as(first.text()).isEqualTo(200);
        assertThat(first.json().get("received").asBoolean()).isTrue();
        JsonNode settled = awaitWebhook("paystack", id, "applied");
        assertThat(settled.get("status").asText()).isEqualTo("succeeded");
        assertThat(settled.at("/attempts/0/outcome").asText()).isEqualTo("SUCCESS");
        assertThat(settled.at("/attempts/0/resolved_from/outcome").asText()).isEqualTo("PENDING");

        // the provider retries the same notification: acknowledged, applied once
        assertThat(paystack(body).status()).isEqualTo(200);
        sleep(500);
        assertThat(webhookRows(id)).isEqualTo(1);
        assertThat(events(id, "charge.succeeded")).isEqualTo(1);
        assertThat(ledgerEntriesFor(id)).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo("succeeded"));
    }

    @Test
    void forgedTamperedOrUnsignedPaystackWebhooksAreRefusedAndChangeNothing() {
        JsonNode charge = pendingCharge("paystack", "NGN", "AUTH_pending");
        String id = charge.get("id").asText();
        String reference = charge.at("/attempts/0/reference").asText();
        simulators.settle("paystack", reference, true);
        String body = paystackWebhook(reference);

        Response forged = deliver("paystack", body, Map.of("x-paystack-signature", hmac("HmacSHA512", "sk_test_attacker", body)));
        String tampered = body.replace("\"amount\":12345", "\"amount\":1");
        assertThat(tampered).isNotEqualTo(body);
        Response altered = deliver("paystack", tampered, Map.of("x-paystack-signature", hmac("HmacSHA512", PAYSTACK_KEY, body)));
        Response unsigned = deliver("paystack", body, Map.of());
        for (Response r : new Response[] {forged, altered, unsigned}) {
            assertThat(r.status()).as(r.text()).isEqualTo(401);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().get("code").asText()).isEqualTo("invalid_signature");
        }
        sleep(300);
        assertThat(webhookRows(id)).isZero();
        assertThat(get("/v1/charges/" + id).json().get("status").asText()).isEqualTo("pending");
    }

    @Test
    void stripeSignaturesAreCheckedForSecretTimestampAndRotation() {
        JsonNode charge = pendingCharge("stripe", "USD", "pm_pending");
        String id = charge.get("id").asText();
        String intent = charge.at("/attempts/0/provider_reference").asText();
        simulators.settle("stripe", charge.at("/attempts/0/reference").asText(), true);
        String body = stripeWebhook("evt_test_" + id, "payment_intent.succeeded", intent);
        long now = Instant.now().getEpochSecond();

        assertThat(deliver("stripe", body, Map.of("Stripe-Signature", stripeSignature(body, now, "whsec_wrong"))).status())
                .as("wrong secret").isEqualTo(401);
        assertThat(deliver("stripe", body, Map.of("Stripe-Signature", stripeSignature(body, now - 301, STRIPE_SECRET))).status())
                .as("older than the 300 s tolerance").isEqualTo(401);
        String signedAtOtherTime = stripeSignature(body, now - 5, STRIPE_SECRET).replace("t=" + (now - 5), "t=" + now);
        assertThat(deliver("stripe", body, Map.of("Stripe-Signature", signedAtOtherTime)).status())
                .as("timestamp swapped after signing").isEqualTo(401);
        sleep(300);
        assertThat(webhookRows(id)).isZero();

        // during a secret rotation the header carries several v1: one valid is enough
        Response rotated = deliver("stripe", body, Map.of("Stripe-Signature", stripeSignature(body, now, "whsec_old_one", STRIPE_SECRET)));
        assertThat(rotated.status()).as(rotated.text()).isEqualTo(200);
        assertThat(awaitWebhook("stripe", id, "applied").get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void aStripeFailureWebhookFailsTheChargeAndALatePendingNeverMovesItBack() {
        JsonNode charge = pendingCharge("stripe", "USD", "pm_pending");
        String id = charge.get("id").asText();
        String intent = charge.at("/attempts/0/provider_reference").asText();
        String late = stripeWebhook("evt_processing_" + id, "payment_intent.processing", intent);
        simulators.settle("stripe", charge.at("/attempts/0/reference").asText(), false);

        assertThat(stripe(stripeWebhook("evt_failed_" + id, "payment_intent.payment_failed", intent)).status()).isEqualTo(200);
        JsonNode failed = awaitWebhook("stripe", id, "applied");
        assertThat(failed.get("status").asText()).isEqualTo("failed");
        assertThat(failed.at("/failure/code").asText()).isNotBlank();

        // an older notification (the intent still processing) arrives after the final one
        assertThat(stripe(late).status()).isEqualTo(200);
        awaitWebhook("stripe", id, "no_change");
        assertThat(get("/v1/charges/" + id).json().get("status").asText()).isEqualTo("failed");
        assertThat(events(id, "charge.failed")).isEqualTo(1);
    }

    @Test
    void flutterwaveWebhooksAreConfirmedWithTheProviderNotTrusted() {
        JsonNode charge = pendingCharge("flutterwave", "NGN", "flw-t1nf-pending");
        String id = charge.get("id").asText();
        String reference = charge.at("/attempts/0/reference").asText();
        simulators.settle("flutterwave", reference, false);
        // the notification claims success (say its hash leaked): what is applied is what Flutterwave's API says
        String claim = flutterwaveWebhook(reference, "successful");

        assertThat(deliver("flutterwave", claim, Map.of("verif-hash", "not-the-hash")).status()).isEqualTo(401);
        assertThat(deliver("flutterwave", claim, Map.of("verif-hash", FLUTTERWAVE_HASH)).status()).isEqualTo(200);
        JsonNode settled = awaitWebhook("flutterwave", id, "applied");
        assertThat(settled.get("status").asText()).isEqualTo("failed");
        assertThat(ledgerEntriesFor(id)).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo("failed"));
    }

    @Test
    void webhooksForUnknownReferencesAreKeptAndReported() {
        JsonNode charge = postCharge(chargeBody(5_000, "NGN", Map.of("paystack", "AUTH_success"))).json();
        ObjectNode data = (ObjectNode) providerGet("paystack", "/transaction/verify/" + charge.at("/attempts/0/reference").asText(),
                PAYSTACK_KEY).get("data").deepCopy();
        data.put("reference", "order-made-outside-payroute-42");
        data.put("id", 987654321L);
        String body = JSON.createObjectNode().put("event", "charge.success").set("data", data).toString();

        assertThat(paystack(body).status()).isEqualTo(200);
        long deadline = System.currentTimeMillis() + 10_000;
        JsonNode listed = null;
        while (System.currentTimeMillis() < deadline) {
            listed = admin("GET", "/v1/admin/provider-webhooks?result=unmatched").json();
            if (listed.get("data").findValuesAsText("reference").contains("order-made-outside-payroute-42")) {
                break;
            }
            sleep(50);
        }
        assertThat(listed.get("data").findValuesAsText("reference")).contains("order-made-outside-payroute-42");
        assertThat(admin("GET", "/v1/admin/provider-webhooks?result=bogus").status()).isEqualTo(400);
        assertThat(get("/v1/admin/provider-webhooks").status()).as("admin only").isEqualTo(401);
    }

    @Test
    void theSimulatorsOwnSignedWebhooksCloseTheLoopForEveryProvider() {
        for (String provider : List.of("paystack", "flutterwave", "stripe")) {
            simulators.setWebhookSend(provider, WebhookSend.ASYNC);
        }
        JsonNode paystack = pendingCharge("paystack", "NGN", "AUTH_pending");
        JsonNode flutterwave = pendingCharge("flutterwave", "NGN", "flw-t1nf-pending");
        JsonNode stripe = pendingCharge("stripe", "USD", "pm_pending");

        // the providers decide; nothing else tells PayRoute (reconciliation does not run in tests)
        simulators.settle("paystack", paystack.at("/attempts/0/reference").asText(), true);
        simulators.settle("flutterwave", flutterwave.at("/attempts/0/reference").asText(), true);
        simulators.settle("stripe", stripe.at("/attempts/0/reference").asText(), false);

        assertThat(awaitCharge(paystack.get("id").asText(), 10_000, c -> !c.get("status").asText().equals("pending"))
                .get("status").asText()).isEqualTo("succeeded");
        assertThat(awaitCharge(flutterwave.get("id").asText(), 10_000, c -> !c.get("status").asText().equals("pending"))
                .get("status").asText()).isEqualTo("succeeded");
        assertThat(awaitCharge(stripe.get("id").asText(), 10_000, c -> !c.get("status").asText().equals("pending"))
                .get("status").asText()).isEqualTo("failed");
        for (String provider : List.of("paystack", "flutterwave", "stripe")) {
            assertThat(simulators.webhookDeliveries(provider)).as(provider).singleElement()
                    .satisfies(d -> assertThat(d.statusCode()).isEqualTo(200));
        }
    }

    /** A merchant with its own Stripe account (the simulator's API key, its own webhook secret); returns its API key. */
    private String merchantWithStripeAccount(String id, String webhookSecret) {
        Response created = send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/admin/merchants"))
                .header("Authorization", "Bearer adm_test_key").header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"id\": \"" + id + "\", \"name\": \"" + id + "\"}")).build());
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        Response account = send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/v1/admin/merchants/" + id + "/provider-accounts/stripe"))
                .header("Authorization", "Bearer adm_test_key").header("Content-Type", "application/json")
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"secret_key\": \"" + STRIPE_KEY
                        + "\", \"webhook_secret\": \"" + webhookSecret + "\"}")).build());
        assertThat(account.status()).as(account.text()).isEqualTo(200);
        return created.json().at("/api_key/key").asText();
    }

    @Test
    void aMerchantsOwnAccountHasItsOwnWebhookUrlAndSecretThatSpeakOnlyForItsCharges() {
        String ownKey = merchantWithStripeAccount("webhook_own_a", "whsec_own_account_a");
        merchantWithStripeAccount("webhook_own_b", "whsec_own_account_b");
        JsonNode charge = post("/v1/charges", chargeBody(4_200, "USD", Map.of("stripe", "pm_pending")),
                Map.of("Authorization", "Bearer " + ownKey)).json();
        assertThat(charge.get("status").asText()).isEqualTo("pending");
        String id = charge.get("id").asText();
        simulators.settle("stripe", charge.at("/attempts/0/reference").asText(), true);
        String body = stripeWebhook("evt_own_" + id, "payment_intent.succeeded", charge.at("/attempts/0/provider_reference").asText());
        long now = Instant.now().getEpochSecond();

        assertThat(deliver("stripe/webhook_own_a", body, Map.of("Stripe-Signature", stripeSignature(body, now, STRIPE_SECRET))).status())
                .as("the platform's secret does not sign for a merchant's account").isEqualTo(401);
        assertThat(deliver("stripe/nobody_here", body, Map.of("Stripe-Signature", stripeSignature(body, now, STRIPE_SECRET))).status())
                .isEqualTo(404);
        // another merchant's URL and secret: verified, but it cannot touch this merchant's charge
        assertThat(deliver("stripe/webhook_own_b", body, Map.of("Stripe-Signature", stripeSignature(body, now, "whsec_own_account_b"))).status())
                .isEqualTo(200);
        sleep(500);
        assertThat(get("/v1/admin/provider-webhooks").status()).isEqualTo(401);
        assertThat(jdbc.queryForObject("SELECT status FROM charges WHERE id = ?", String.class, id)).isEqualTo("pending");

        String again = stripeWebhook("evt_own2_" + id, "payment_intent.succeeded", charge.at("/attempts/0/provider_reference").asText());
        assertThat(deliver("stripe/webhook_own_a", again, Map.of("Stripe-Signature", stripeSignature(again, now, "whsec_own_account_a"))).status())
                .isEqualTo(200);
        awaitWebhook("stripe", id, "applied");
        assertThat(jdbc.queryForObject("SELECT status FROM charges WHERE id = ?", String.class, id)).isEqualTo("succeeded");
    }

    @Test
    void anUnknownProviderHasNoWebhookEndpoint() {
        Response r = deliver("acme", "{}", Map.of());
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
    }
}
