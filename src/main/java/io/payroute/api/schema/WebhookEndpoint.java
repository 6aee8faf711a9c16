package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "WebhookEndpoint", description = "A merchant URL that receives signed events")
public record WebhookEndpoint(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "we_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "webhook_endpoint") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "https://shop.example.com/payroute") String url,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "Order updates") String description,
        @JsonProperty("enabled_events") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "[\"charge.succeeded\", \"charge.failed\"]",
                description = "Event types sent, or [\"*\"] for all") List<String> enabledEvents,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"enabled", "disabled"}) String status,
        @JsonProperty("previous_secret_expires_at") @Schema(format = "date-time",
                description = "During a rotation: until when the previous secret also signs") String previousSecretExpiresAt,
        @Schema(example = "whsec_5f0c...", description = "Only in the answers of create and rotate-secret: shown once") String secret,
        @JsonProperty("created_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String createdAt,
        @JsonProperty("updated_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String updatedAt) {
}
