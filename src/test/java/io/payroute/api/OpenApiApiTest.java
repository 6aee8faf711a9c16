package io.payroute.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.oas.OpenApi30;
import io.payroute.support.ApiTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAPI document the REST DSL serves, and real answers of every kind validated against its schemas. */
class OpenApiApiTest extends ApiTestSupport {

    private static final String DOCUMENT = "https://payroute.test/v1/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");
    private JsonSchemaFactory schemas;
    private JsonNode document;

    @BeforeEach
    void loadDocument() {
        Response spec = get("/v1/openapi.json");
        assertThat(spec.status()).isEqualTo(200);
        document = spec.json();
        schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, builder -> builder
                .metaSchema(OpenApi30.getInstance())
                .defaultMetaSchemaIri(OpenApi30.getInstance().getIri())
                .schemaLoaders(loaders -> loaders.schemas(Map.of(DOCUMENT, spec.text()))));
    }

    private void assertValid(String component, JsonNode body) {
        JsonSchema schema = schemas.getSchema(SchemaLocation.of(DOCUMENT + "#/components/schemas/" + component));
        Set<ValidationMessage> errors = schema.validate(body);
        assertThat(errors).as(component + " " + body).isEmpty();
    }

    @Test
    void documentDescribesBothOperationsWithTheirSchemas() {
        JsonNode spec = get("/v1/openapi.json").json();
        assertThat(spec.get("openapi").asText()).startsWith("3.0");
        JsonNode create = spec.at("/paths/~1v1~1charges/post");
        assertThat(create.at("/requestBody/content/application~1json/schema/$ref").asText())
                .endsWith("/ChargeCreateRequest");
        assertThat(create.at("/responses/201/content/application~1json/schema/$ref").asText()).endsWith("/Charge");
        assertThat(create.at("/responses/422/content/application~1json/schema/$ref").asText()).endsWith("/Problem");
        assertThat(create.findValuesAsText("name")).contains("Idempotency-Key");
        assertThat(spec.at("/paths/~1v1~1charges~1{id}/get/responses/404").isMissingNode()).isFalse();
        assertThat(spec.at("/components/schemas/ChargeCreateRequest/properties/amount/example").asLong()).isPositive();
    }

    @Test
    void everyOperationDocumentsItsAnswersWithSchemasAndExamples() {
        List<String> undocumented = new ArrayList<>();
        document.get("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (!METHODS.contains(op.getKey())) {
                return;
            }
            String name = op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey();
            List<String> success = new ArrayList<>();
            op.getValue().path("responses").fieldNames().forEachRemaining(code -> {
                if (code.startsWith("2")) {
                    success.add(code);
                }
            });
            if (success.isEmpty()) {
                undocumented.add(name + ": no 2xx answer");
            }
            for (String code : success) {
                String ref = op.getValue().at("/responses/" + code + "/content/application~1json/schema/$ref").asText();
                if (ref.isEmpty()) {
                    undocumented.add(name + " " + code + ": no schema");
                } else if (!hasExample(component(ref), 0)) {
                    undocumented.add(name + " " + code + ": " + ref + " has no example");
                }
            }
            if (op.getValue().path("description").asText().isBlank() && op.getValue().path("summary").asText().isBlank()) {
                undocumented.add(name + ": no description");
            }
        }));
        assertThat(undocumented).isEmpty();
        assertThat(document.at("/paths").size()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void realAnswersOfTheWebhookEventAndAdminOperationsMatchTheirSchemas() throws Exception {
        String charge = postCharge(chargeBody(5_000, "NGN", Map.of("paystack", "AUTH_success"))).json().get("id").asText();

        Response created = post("/v1/webhook-endpoints", "{\"url\": \"http://127.0.0.1:9/hooks\", \"enabled_events\": [\"charge.requires_action\"]}", Map.of());
        assertAnswer("post", "/v1/webhook-endpoints", created);
        String endpoint = created.json().get("id").asText();
        assertAnswer("get", "/v1/webhook-endpoints", get("/v1/webhook-endpoints"));
        assertAnswer("get", "/v1/webhook-endpoints/{id}", get("/v1/webhook-endpoints/" + endpoint));
        assertAnswer("post", "/v1/webhook-endpoints/{id}", post("/v1/webhook-endpoints/" + endpoint, "{\"description\": \"Documented\"}", Map.of()));
        assertAnswer("post", "/v1/webhook-endpoints/{id}/rotate-secret", post("/v1/webhook-endpoints/" + endpoint + "/rotate-secret", "", Map.of()));

        Response events = get("/v1/events?charge=" + charge);
        assertAnswer("get", "/v1/events", events);
        String event = events.json().at("/data/0/id").asText();
        assertAnswer("get", "/v1/events/{id}", get("/v1/events/" + event));
        assertAnswer("post", "/v1/events/{id}/redeliver", post("/v1/events/" + event + "/redeliver", "", Map.of()));
        assertAnswer("delete", "/v1/webhook-endpoints/{id}", as(MERCHANT_KEY, "DELETE", "/v1/webhook-endpoints/" + endpoint, null));

        assertAnswer("post", "/v1/webhooks/{provider}", post("/v1/webhooks/flutterwave",
                "{\"event\": \"charge.completed\", \"data\": {\"id\": 424242, \"tx_ref\": \"not-ours\", \"status\": \"successful\"}}",
                Map.of("verif-hash", "payroute-sim-flw-hash")));

        String deadLetter = deadLetter();
        assertAnswer("get", "/v1/admin/dead-letters", admin("GET", "/v1/admin/dead-letters"));
        assertAnswer("post", "/v1/admin/dead-letters/{id}/replay", admin("POST", "/v1/admin/dead-letters/" + deadLetter + "/replay"));
        assertAnswer("get", "/v1/admin/provider-webhooks", admin("GET", "/v1/admin/provider-webhooks"));
        assertAnswer("get", "/v1/admin/alerts", admin("GET", "/v1/admin/alerts?status=all"));
        assertAnswer("get", "/v1/admin/providers", admin("GET", "/v1/admin/providers"));
    }

    @Test
    void realAnswersOfTheAnalyticsOperationsMatchTheirSchemas() {
        String charge = postCharge(chargeBody(5_000, "NGN", Map.of("flutterwave", "flw-t1nf-unavailable", "paystack", "AUTH_success")))
                .json().get("id").asText();
        postCharge(chargeBody(5_000, "NGN", Map.of("paystack", "AUTH_decline_insufficient_funds")));
        for (String by : List.of("provider", "method", "currency", "bank")) {
            assertAnswer("get", "/v1/analytics/success-rates", get("/v1/analytics/success-rates?by=" + by));
        }
        assertAnswer("get", "/v1/analytics/volume", get("/v1/analytics/volume?window=1h"));
        assertAnswer("get", "/v1/analytics/failures", get("/v1/analytics/failures"));
        assertAnswer("get", "/v1/analytics/providers", get("/v1/analytics/providers?window=15m"));
        assertAnswer("get", "/v1/analytics/timeseries", get("/v1/analytics/timeseries?window=15m"));
        assertAnswer("get", "/v1/analytics/charges", get("/v1/analytics/charges?limit=5"));
        assertAnswer("get", "/v1/analytics/charges/{id}", get("/v1/analytics/charges/" + charge));
        assertAnswer("get", "/v1/analytics/volume", admin("GET", "/v1/analytics/volume"));
    }

    @Test
    void realAnswersOfTheRefundAndMerchantAdministrationOperationsMatchTheirSchemas() {
        String charge = postCharge(chargeBody(9_000, "NGN", Map.of("paystack", "AUTH_success"))).json().get("id").asText();
        Response refund = post("/v1/charges/" + charge + "/refunds", "{\"amount\": 1000, \"reason\": \"documented\"}", Map.of());
        assertAnswer("post", "/v1/charges/{id}/refunds", refund);
        assertAnswer("get", "/v1/charges/{id}/refunds", get("/v1/charges/" + charge + "/refunds"));
        assertAnswer("get", "/v1/refunds/{id}", get("/v1/refunds/" + refund.json().get("id").asText()));

        Response merchant = as("adm_test_key", "POST", "/v1/admin/merchants", "{\"name\": \"OpenAPI shop\"}");
        assertAnswer("post", "/v1/admin/merchants", merchant);
        String id = merchant.json().get("id").asText();
        assertAnswer("get", "/v1/admin/merchants", admin("GET", "/v1/admin/merchants"));
        assertAnswer("post", "/v1/admin/merchants/{id}", as("adm_test_key", "POST", "/v1/admin/merchants/" + id,
                "{\"rate_limit\": {\"per_second\": 5, \"burst\": 10}}"));
        Response key = as("adm_test_key", "POST", "/v1/admin/merchants/" + id + "/api-keys", "{\"description\": \"documented\"}");
        assertAnswer("post", "/v1/admin/merchants/{id}/api-keys", key);
        assertAnswer("delete", "/v1/admin/merchants/{id}/api-keys/{keyId}",
                admin("DELETE", "/v1/admin/merchants/" + id + "/api-keys/" + key.json().get("id").asText()));
        assertAnswer("put", "/v1/admin/merchants/{id}/provider-accounts/{provider}", as("adm_test_key", "PUT",
                "/v1/admin/merchants/" + id + "/provider-accounts/flutterwave",
                "{\"secret_key\": \"FLWSECK_TEST-openapi\", \"webhook_secret\": \"openapi-hash\"}"));
        assertAnswer("get", "/v1/admin/merchants/{id}", admin("GET", "/v1/admin/merchants/" + id));
        assertAnswer("post", "/v1/webhooks/{provider}/{merchant}", post("/v1/webhooks/flutterwave/" + id,
                "{\"event\": \"charge.completed\", \"data\": {\"id\": 424243, \"tx_ref\": \"not-ours\", \"status\": \"successful\"}}",
                Map.of("verif-hash", "openapi-hash")));
        assertAnswer("delete", "/v1/admin/merchants/{id}/provider-accounts/{provider}",
                admin("DELETE", "/v1/admin/merchants/" + id + "/provider-accounts/flutterwave"));
        assertAnswer("get", "/v1/admin/audit", admin("GET", "/v1/admin/audit?object=" + id));
        assertAnswer("get", "/v1/admin/audit/verify", admin("GET", "/v1/admin/audit/verify"));
        assertAnswer("post", "/v1/admin/secrets/reseal", admin("POST", "/v1/admin/secrets/reseal"));
    }

    /** The answer has the status the document gives for the operation, and matches that status's schema. */
    private void assertAnswer(String method, String path, Response answer) {
        String pointer = "/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method + "/responses/" + answer.status()
                + "/content/application~1json/schema/$ref";
        String ref = document.at(pointer).asText();
        assertThat(ref).as(method + " " + path + " answered " + answer.status() + ", which the document does not give: " + answer.text())
                .isNotEmpty();
        assertValid(ref.substring(ref.lastIndexOf('/') + 1), answer.json());
    }

    private JsonNode component(String ref) {
        return document.at(ref.substring(1));
    }

    /** Whether the schema, or one it refers to (a few levels down), gives an example. */
    private boolean hasExample(JsonNode schema, int depth) {
        if (schema.has("example")) {
            return true;
        }
        if (depth > 3) {
            return false;
        }
        for (JsonNode ref : schema.findValues("$ref")) {
            if (hasExample(component(ref.asText()), depth + 1)) {
                return true;
            }
        }
        return schema.findValues("example").size() > 0;
    }

    @Test
    void realChargesOfEveryOutcomeMatchTheChargeSchema() {
        assertValid("Charge", postCharge(chargeBody(5_000, "NGN", Map.of("paystack", "AUTH_success"))).json());
        assertValid("Charge", postCharge(chargeBody(5_000, "NGN", Map.of("paystack", "AUTH_decline_insufficient_funds"))).json());
        assertValid("Charge", postCharge(chargeBody(5_000, "USD", Map.of("stripe", "pm_requires_action"))).json());
        JsonNode timedOut = postCharge(chargeBody(5_000, "NGN", Map.of("flutterwave", "flw-t1nf-timeout"))).json();
        assertThat(timedOut.at("/attempts/0/resolved_from").isObject()).isTrue();
        assertValid("Charge", timedOut);
        assertValid("Charge", get("/v1/charges/" + timedOut.get("id").asText()).json());
    }

    @Test
    void realProblemsMatchTheProblemSchema() {
        assertValid("Problem", postCharge("{\"amount\": -1}").json());
        assertValid("Problem", postCharge(chargeBody(100, "JPY", Map.of("paystack", "AUTH_success"))).json());
        assertValid("Problem", get("/v1/charges/ch_00000000000000000000000000").json());
    }

    @Test
    void theRoutingDecisionIsDocumentedWithTheExpectedValueAndItsParts() {
        JsonNode components = get("/v1/openapi.json").json().at("/components/schemas");
        JsonNode candidate = components.get(component(components.at("/Routing/properties/candidates/items/$ref")));
        assertThat(candidate.get("properties").fieldNames()).toIterable().contains("score", "success_rate", "fee",
                "expected_value", "latency_p95_ms", "latency_penalty", "circuit");
        assertThat(candidate.at("/properties/expected_value/type").asText()).isEqualTo("integer");
        assertThat(candidate.at("/properties/score/description").asText()).contains("minor units");
        JsonNode objective = components.get(component(components.at("/Routing/properties/objective/$ref")));
        assertThat(objective.get("properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("success_value_percent", "latency_threshold_ms", "latency_cost_percent_per_second");
    }

    private static String component(JsonNode ref) {
        assertThat(ref.isTextual()).as("a reference to a component").isTrue();
        return ref.asText().substring(ref.asText().lastIndexOf('/') + 1);
    }

    @Test
    void theValidationIsRealItRejectsWhatTheSchemaForbids() {
        JsonNode charge = postCharge(chargeBody(5_000, "NGN", Map.of("paystack", "AUTH_success"))).json();
        ObjectNode broken = charge.deepCopy();
        broken.put("status", "refunded_twice");
        broken.put("amount", "5000");
        broken.remove("attempts");
        JsonSchema schema = schemas.getSchema(SchemaLocation.of(DOCUMENT + "#/components/schemas/Charge"));
        assertThat(schema.validate(broken)).extracting(ValidationMessage::getInstanceLocation)
                .map(Object::toString).contains("$.status", "$.amount");
        assertThat(schema.validate(broken)).anyMatch(m -> m.getMessage().contains("attempts"));
    }
}
