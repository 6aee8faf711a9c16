package io.payroute.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "WebhookEndpointList", description = "The merchant's endpoints (their secrets are never shown again)")
public record WebhookEndpointList(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<WebhookEndpoint> data) {
}
