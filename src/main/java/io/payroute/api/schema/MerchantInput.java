package io.payroute.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "MerchantInput", description = "Create: name (id optional). Update: name, status, rate_limit")
public record MerchantInput(
        @Schema(example = "mer_shop_42", description = "Create only: 3-64 of a-z, 0-9, _") String id,
        @Schema(example = "Shop 42") String name,
        @Schema(allowableValues = {"active", "disabled"}, description = "Update only: a disabled merchant's keys stop working") String status,
        @JsonProperty("rate_limit") Merchant.RateLimit rateLimit) {
}
