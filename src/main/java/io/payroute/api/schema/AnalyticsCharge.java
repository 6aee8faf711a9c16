package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AnalyticsCharge", description = "One charge in full, for drilling down")
public record AnalyticsCharge(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "analytics.charge") String object,
        @JsonProperty("merchant_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "merchant_default") String merchantId,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "With its attempts and routing decision (scores)") Charge charge,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Oldest first") List<Event.WithDeliveries> events) {
}
