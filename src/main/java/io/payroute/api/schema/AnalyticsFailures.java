package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AnalyticsFailures", description = "Where money failed and why")
public record AnalyticsFailures(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "analytics.failures") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "merchant_default") String merchant,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) AnalyticsWindow window,
        @JsonProperty("failed_charges") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "90") long failedCharges,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Failed charges by unified failure code, most first")
        List<Reason> charges,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                description = "Attempts that did not take the money, by provider, outcome and code (failovers included), most first")
        List<AttemptFailure> attempts) {

    @Schema(name = "FailureReason")
    public record Reason(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "insufficient_funds") String code,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "customer") String category,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "41") long count,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "0.4556", description = "Of the failed charges") double share) {
    }

    @Schema(name = "AttemptFailure")
    public record AttemptFailure(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "flutterwave") String provider,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"DECLINED", "NOT_CHARGED", "UNKNOWN"}) String outcome,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "provider_unavailable") String code,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "212") long count) {
    }
}
