package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AlertList", description = "Failure-spike alerts, newest first")
public record AlertList(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Alert> data) {

    @Schema(name = "Alert", description = "A provider's or bank's success rate that dropped below its baseline")
    public record Alert(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "alr_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "alert") String object,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "success_rate_drop") String kind,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"open", "resolved"}) String status,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"provider", "bank"}) String dimension,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "flutterwave", description = "The provider, or the bank's BIN") String value,
            @JsonProperty("baseline_rate") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "0.95",
                    description = "The success rate it opened against") double baselineRate,
            @JsonProperty("baseline_samples") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1840") int baselineSamples,
            @JsonProperty("current_rate") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "0.52",
                    description = "The latest window's rate (at resolution: the rate it recovered to)") double currentRate,
            @JsonProperty("current_samples") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "210") int currentSamples,
            @JsonProperty("opened_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String openedAt,
            @JsonProperty("updated_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String updatedAt,
            @JsonProperty("resolved_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, format = "date-time") String resolvedAt) {
    }
}
