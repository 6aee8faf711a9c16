package io.payroute.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "ApiKey", description = "A new API key (shown this once), or one just revoked (id and status only)")
public record ApiKey(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "key_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
        @Schema(allowableValues = "api_key") String object,
        @JsonProperty("merchant_id") @Schema(example = "mer_shop_42") String merchantId,
        @Schema(example = "sk_live_...") String key,
        @Schema(example = "sk_live_4f3a") String prefix,
        @Schema(nullable = true, example = "checkout servers") String description,
        @Schema(allowableValues = "revoked", description = "Revoke only") String status) {
}
