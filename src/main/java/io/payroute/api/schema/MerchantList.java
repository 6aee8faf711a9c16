package io.payroute.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "MerchantList")
public record MerchantList(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object, @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Merchant> data) {
}
