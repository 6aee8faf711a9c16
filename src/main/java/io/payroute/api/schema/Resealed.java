package io.payroute.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "Resealed", description = "Stored secrets re-encrypted under the current master key")
public record Resealed(
        @JsonProperty("provider_accounts") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "3") int providerAccounts,
        @JsonProperty("webhook_endpoint_secrets") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "12") int webhookEndpointSecrets) {
}
