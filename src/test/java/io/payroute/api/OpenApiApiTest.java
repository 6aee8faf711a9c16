package io.payroute.api;

import static org.assertj.core.api.Assertions.assertThat;

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
    private JsonSchemaFactory schemas;

    @BeforeEach
    void loadDocument() {
        Response spec = get("/v1/openapi.json");
        assertThat(spec.status()).isEqualTo(200);
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
