package io.payroute.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AnalyticsWindow", description = "The window: charges created from `from` up to `to`")
public record AnalyticsWindow(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"15m", "1h", "6h", "24h", "7d", "30d"}) String name,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String from,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String to) {
}
