package io.payroute.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "ChargeCounts", description = "Charges of one group: how many, and how they ended")
public record ChargeCounts(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "paystack",
                description = "The group: a provider, method, currency or BIN; `none` where the charge has none; null in totals") String key,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1200") long charges,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1104") long succeeded,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "90") long failed,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "6", description = "pending or requires_action") long pending,
        @JsonProperty("success_rate") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "0.9246",
                description = "succeeded / (succeeded + failed); null when none ended") Double successRate) {
}
