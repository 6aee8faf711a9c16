package io.payroute.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AnalyticsSuccessRates", description = "Success rate of the window's charges per group")
public record AnalyticsSuccessRates(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "analytics.success_rates") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "merchant_default",
                description = "The merchant whose charges these are; null: every merchant (admin key)") String merchant,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) AnalyticsWindow window,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"provider", "method", "currency", "bank"}) String by,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<ChargeCounts> data) {
}
