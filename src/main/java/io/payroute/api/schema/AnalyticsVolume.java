package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AnalyticsVolume", description = "Charges and money per currency (amounts are never added across currencies)")
public record AnalyticsVolume(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "analytics.volume") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "merchant_default") String merchant,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) AnalyticsWindow window,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "All currencies: counts only") ChargeCounts totals,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<CurrencyVolume> data) {

    @Schema(name = "CurrencyVolume", description = "One currency; `key` is the ISO code")
    public record CurrencyVolume(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "NGN") String key,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1200") long charges,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1104") long succeeded,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "90") long failed,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "6") long pending,
            @JsonProperty("success_rate") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "0.9246") Double successRate,
            @JsonProperty("succeeded_amount") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "552000000",
                    description = "Minor units") long succeededAmount,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "7728000",
                    description = "What the providers that took the money charge for it, minor units") long fees) {
    }
}
