package io.payroute.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "ProviderAccountInput", description = "The merchant's credentials at the provider, replaced as a whole, sealed at rest, never shown again")
public record ProviderAccountInput(
        @JsonProperty("secret_key") @Schema(example = "sk_live_...") String secretKey,
        @JsonProperty("webhook_secret") @Schema(example = "whsec_...") String webhookSecret) {
}
