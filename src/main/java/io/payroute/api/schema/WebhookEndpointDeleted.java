package io.payroute.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "WebhookEndpointDeleted")
public record WebhookEndpointDeleted(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "we_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "webhook_endpoint") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "true") boolean deleted) {
}
