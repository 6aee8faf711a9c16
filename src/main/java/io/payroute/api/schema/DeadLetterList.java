package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "DeadLetterList", description = "Dead-lettered messages, oldest first")
public record DeadLetterList(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<DeadLetter> data) {

    @Schema(name = "DeadLetter")
    public record DeadLetter(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "5a7f0c1e-c7a4-11f0-9a55-0242ac120002",
                    description = "For the replay URL") String id,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "retries_exhausted") String code,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String reason,
            @JsonProperty("original_address") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "queue:payroute.charges.requests") String originalAddress,
            @JsonProperty("dead_lettered_at") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String deadLetteredAt,
            @JsonProperty("charge_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String chargeId,
            @JsonProperty("idempotency_key") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String idempotencyKey,
            @JsonProperty("merchant_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String merchantId,
            @JsonProperty("correlation_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String correlationId,
            @Schema(description = "retries_exhausted and webhook_delivery_failed only: every attempt made") List<Object> history,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true,
                    description = "The message as sent, card-number-like digit runs masked") String body) {
    }
}
