package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "ProviderAccount", description = "A merchant's own credentials at a provider: which fields are set, never their values")
public record ProviderAccount(
        @JsonProperty("merchant_id") @Schema(example = "mer_shop_42") String merchantId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "stripe") String provider,
        @Schema(example = "[\"secret_key\", \"webhook_secret\"]") List<String> fields,
        @Schema(description = "Delete only") Boolean deleted) {
}
