package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AnalyticsChargeList", description = "The newest charges, newest first")
public record AnalyticsChargeList(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<ChargeSummary> data) {

    @Schema(name = "ChargeSummary")
    public record ChargeSummary(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "ch_01m806s5ka7hfxjkfh8nname2d") String id,
            @JsonProperty("merchant_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "merchant_default") String merchantId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"pending", "requires_action", "succeeded", "failed"}) String status,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "500000") long amount,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "NGN") String currency,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "flutterwave") String provider,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, allowableValues = {"tokens", "card"}) String method,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "539983", description = "Issuer BIN of a card") String bank,
            @JsonProperty("failure_code") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "insufficient_funds") String failureCode,
            @JsonProperty("created_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String createdAt) {
    }
}
