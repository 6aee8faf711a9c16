package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "RefundList", description = "A charge's refunds, oldest first, with what is left to refund")
public record RefundList(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Refund> data,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "ch_01m806s5ka7hfxjkfh8nname2d") String charge,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "500000", description = "The charge's amount") long amount,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "250000", description = "What can still be refunded") long refundable) {
}
