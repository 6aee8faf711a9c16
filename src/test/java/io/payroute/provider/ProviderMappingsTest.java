package io.payroute.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JSONata mappings in mappings/&lt;provider&gt;/, run through {@link Mappings} exactly as the provider routes
 * run them: canonical → wire for requests, wire → canonical outcome for responses.
 */
class ProviderMappingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Mappings MAPPINGS = new Mappings(Path.of("mappings"), false, JSON);

    private JsonNode map(String provider, String mapping, String input) throws Exception {
        return MAPPINGS.map(provider, mapping, JSON.readValue(input, Map.class));
    }

    private static final String ATTEMPT = """
            {"charge_id": "ch_1", "reference": "ch-1-1", "merchant_reference": "order-9", "amount": 10050,
             "amount_major": 100.50, "currency": "NGN", "currency_exponent": 2,
             "customer": {"email": "ada@example.com", "name": "Ada King Lovelace"},
             "payment_method": {"type": "tokens", "token": "TOKEN"}, "metadata": {"cart": "42"}}""";

    @Test
    void paystackChargesTheAuthorizationInSubunits() throws Exception {
        JsonNode req = map("paystack", "charge-request", ATTEMPT);
        assertThat(req.get("path").asText()).isEqualTo("/transaction/charge_authorization");
        assertThat(req.at("/body/amount").asLong()).isEqualTo(10050);
        assertThat(req.at("/body/authorization_code").asText()).isEqualTo("TOKEN");
        assertThat(req.at("/body/reference").asText()).isEqualTo("ch-1-1");
        assertThat(req.at("/body/metadata/payroute_charge_id").asText()).isEqualTo("ch_1");
        assertThat(req.at("/body/metadata/cart").asText()).isEqualTo("42");
    }

    @Test
    void paystackRawCardGoesToCharge() throws Exception {
        JsonNode req = map("paystack", "charge-request", ATTEMPT.replace(
                "{\"type\": \"tokens\", \"token\": \"TOKEN\"}",
                "{\"type\": \"card\", \"number\": \"4242424242424242\", \"exp_month\": 3, \"exp_year\": 2031, \"cvc\": \"123\"}"));
        assertThat(req.get("path").asText()).isEqualTo("/charge");
        assertThat(req.at("/body/card/expiry_month").asText()).isEqualTo("03");
        assertThat(req.at("/body/card/cvv").asText()).isEqualTo("123");
    }

    @Test
    void flutterwaveGetsMajorUnitsAndACountry() throws Exception {
        JsonNode req = map("flutterwave", "charge-request", ATTEMPT);
        assertThat(req.get("path").asText()).isEqualTo("/v3/tokenized-charges");
        assertThat(req.at("/body/amount").decimalValue()).isEqualByComparingTo("100.50");
        assertThat(req.at("/body/country").asText()).isEqualTo("NG");
        assertThat(req.at("/body/tx_ref").asText()).isEqualTo("ch-1-1");
        assertThat(req.at("/body/first_name").asText()).isEqualTo("Ada");
        assertThat(req.at("/body/last_name").asText()).isEqualTo("King Lovelace");
    }

    @Test
    void stripeConfirmsAPaymentIntentWithAnIdempotencyKey() throws Exception {
        JsonNode req = map("stripe", "charge-request", ATTEMPT);
        assertThat(req.get("path").asText()).isEqualTo("/v1/payment_intents");
        assertThat(req.at("/headers/Idempotency-Key").asText()).isEqualTo("ch-1-1");
        assertThat(req.at("/body/currency").asText()).isEqualTo("ngn");
        assertThat(req.at("/body/confirm").asText()).isEqualTo("true");
        assertThat(req.at("/body/payment_method").asText()).isEqualTo("TOKEN");
        assertThat(FormEncoding.encode(req.get("body")))
                .contains("amount=10050").contains("metadata%5Bpayroute_reference%5D=ch-1-1");
    }

    @ParameterizedTest(name = "{0} {1} → {3}")
    @CsvSource(delimiter = '|', textBlock = """
            paystack    | 200 | {"status":true,"message":"Charge attempted","data":{"id":41,"status":"success","gateway_response":"Approved"}} | SUCCESS | | 41
            paystack    | 200 | {"status":true,"message":"Charge attempted","data":{"id":42,"status":"failed","gateway_response":"Insufficient Funds"}} | DECLINED | insufficient_funds | 42
            paystack    | 200 | {"status":true,"message":"Charge attempted","data":{"id":43,"status":"send_otp","gateway_response":"OTP"}} | PENDING | send_otp | 43
            paystack    | 400 | {"status":false,"message":"Duplicate Transaction Reference"} | UNKNOWN | duplicate_reference |
            paystack    | 400 | {"status":false,"message":"Invalid authorization code"} | NOT_CHARGED | invalid_request |
            paystack    | 401 | {"status":false,"message":"Invalid key"} | NOT_CHARGED | authentication_failed |
            flutterwave | 200 | {"status":"success","message":"Charge successful","data":{"id":7,"status":"successful","processor_response":"Approved"}} | SUCCESS | | 7
            flutterwave | 400 | {"status":"error","message":"Do Not Honor","data":{"id":8,"status":"failed","processor_response":"Do Not Honor"}} | DECLINED | do_not_honor | 8
            flutterwave | 400 | {"status":"error","message":"Duplicate transaction reference: tx_ref x already exists","data":null} | UNKNOWN | duplicate_reference |
            flutterwave | 400 | {"status":"error","message":"Token not found","data":null} | NOT_CHARGED | invalid_request |
            stripe      | 200 | {"id":"pi_1","object":"payment_intent","status":"succeeded"} | SUCCESS | | pi_1
            stripe      | 200 | {"id":"pi_2","object":"payment_intent","status":"requires_action","next_action":{"type":"redirect_to_url"}} | PENDING | redirect_to_url | pi_2
            stripe      | 402 | {"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds.","payment_intent":{"id":"pi_3"}}} | DECLINED | insufficient_funds | pi_3
            stripe      | 402 | {"error":{"type":"card_error","code":"card_declined","decline_code":"generic_decline","message":"Your card was declined."}} | DECLINED | generic_decline |
            stripe      | 400 | {"error":{"type":"idempotency_error","message":"Keys for idempotent requests can only be used with the same parameters"}} | UNKNOWN | idempotency_conflict |
            stripe      | 400 | {"error":{"type":"invalid_request_error","message":"No such PaymentMethod"}} | NOT_CHARGED | invalid_request |
            """)
    void chargeResponsesMapToTheFiveOutcomes(String provider, int status, String body, String outcome, String code,
                                             String providerReference) throws Exception {
        JsonNode out = map(provider, "charge-response",
                "{\"kind\": \"charge\", \"http_status\": " + status + ", \"reference\": \"ch-1-1\", \"body\": " + body + "}");
        assertThat(out.get("outcome").asText()).isEqualTo(outcome);
        assertThat(out.path("code").isMissingNode() || out.get("code").isNull() ? null : out.get("code").asText()).isEqualTo(code);
        assertThat(out.path("provider_reference").asText(null)).isEqualTo(providerReference);
    }

    @Test
    void requiresActionTellsWhatTheCustomerMustDo() throws Exception {
        JsonNode stripe = map("stripe", "charge-response", """
                {"kind": "charge", "http_status": 200, "reference": "r", "body": {"id": "pi_1", "status": "requires_action",
                 "next_action": {"type": "redirect_to_url", "redirect_to_url": {"url": "https://issuer.example/3ds"}}}}""");
        assertThat(stripe.at("/next_action/type").asText()).isEqualTo("redirect");
        assertThat(stripe.at("/next_action/url").asText()).isEqualTo("https://issuer.example/3ds");
        JsonNode paystack = map("paystack", "charge-response", """
                {"kind": "charge", "http_status": 200, "reference": "r", "body": {"status": true, "message": "Charge attempted",
                 "data": {"id": 5, "status": "send_otp", "display_text": "Enter the OTP sent to 0801"}}}""");
        assertThat(paystack.at("/next_action/type").asText()).isEqualTo("otp");
        assertThat(paystack.at("/next_action/message").asText()).isEqualTo("Enter the OTP sent to 0801");
        JsonNode flutterwave = map("flutterwave", "charge-response", """
                {"kind": "charge", "http_status": 200, "reference": "r", "body": {"status": "success", "message": "Charge initiated",
                 "data": {"id": 9, "status": "pending"}, "meta": {"authorization": {"mode": "redirect", "redirect": "https://fw.example/3ds"}}}}""");
        assertThat(flutterwave.get("status").asText()).isEqualTo("requires_action");
        assertThat(flutterwave.at("/next_action/url").asText()).isEqualTo("https://fw.example/3ds");
    }

    @ParameterizedTest(name = "{0} not found")
    @CsvSource(delimiter = '|', textBlock = """
            paystack    | 400 | {"status":false,"message":"Transaction reference not found"}
            flutterwave | 400 | {"status":"error","message":"No transaction was found for this id","data":null}
            stripe      | 200 | {"object":"search_result","data":[],"has_more":false}
            """)
    void statusQueryThatFindsNothingStaysUnknown(String provider, int status, String body) throws Exception {
        JsonNode out = map(provider, "charge-response",
                "{\"kind\": \"status\", \"http_status\": " + status + ", \"reference\": \"ch-1-1\", \"body\": " + body + "}");
        assertThat(out.get("outcome").asText()).isEqualTo("UNKNOWN");
        assertThat(out.get("code").asText()).isEqualTo("not_found_at_provider");
    }

    @Test
    void stripeStatusQuerySearchesByReferenceUntilTheIntentIsKnown() throws Exception {
        JsonNode search = map("stripe", "status-request", "{\"reference\": \"ch-1-1\"}");
        assertThat(search.get("path").asText()).isEqualTo("/v1/payment_intents/search");
        assertThat(search.at("/query/query").asText()).isEqualTo("metadata['payroute_reference']:'ch-1-1'");
        JsonNode byId = map("stripe", "status-request", "{\"reference\": \"ch-1-1\", \"provider_reference\": \"pi_9\"}");
        assertThat(byId.get("path").asText()).isEqualTo("/v1/payment_intents/pi_9");
    }

    @Test
    void concurrentCallsOfOneCompiledMappingEachSeeTheirOwnInput() throws Exception {
        // the service compiles each mapping once and runs it on every consumer thread at the same time
        Mappings cached = new Mappings(Path.of("mappings"), true, JSON);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = IntStream.range(0, 2_000).mapToObj(i -> pool.submit(() -> {
                Map<?, ?> attempt = JSON.readValue(ATTEMPT.replace("ch-1-1", "ch-" + i + "-1").replace("10050", String.valueOf(100 + i)), Map.class);
                JsonNode req = cached.map("paystack", "charge-request", attempt);
                return req.at("/body/reference").asText().equals("ch-" + i + "-1")
                        && req.at("/body/metadata/payroute_reference").asText().equals("ch-" + i + "-1")
                        && req.at("/body/amount").asLong() == 100 + i;
            })).toList();
            for (Future<Boolean> result : results) {
                assertThat(result.get()).as("a request mapped from its own attempt").isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
