package io.payroute.api.schema;

import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "RefundCreateRequest", description = "Optional: without a body (or amount) the whole remaining amount")
public record RefundCreateRequest(
        @Schema(minimum = "1", example = "250000", description = "Minor units, at most what is left to refund") Long amount,
        @Schema(maxLength = 500, example = "requested_by_customer") String reason,
        @Schema(example = "{\"ticket\": \"881\"}") Map<String, String> metadata) {
}
