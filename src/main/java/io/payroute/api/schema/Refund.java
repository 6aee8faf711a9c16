package io.payroute.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "Refund", description = "Money given back on a succeeded charge, through the provider that captured it")
public record Refund(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "rf_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "refund") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "ch_01m806s5ka7hfxjkfh8nname2d", description = "The charge refunded") String charge,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "250000", description = "Minor units") long amount,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "NGN") String currency,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"pending", "succeeded", "failed"}) String status,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "requested_by_customer") String reason,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "paystack") String provider,
        @JsonProperty("provider_reference") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "rfnd_7000001") String providerReference,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) Failure failure,
        @JsonProperty("created_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String createdAt,
        @JsonProperty("updated_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String updatedAt) {

    @Schema(name = "RefundFailure", nullable = true)
    public record Failure(@Schema(nullable = true, example = "refund_declined") String code, @Schema(nullable = true) String message) {
    }
}
