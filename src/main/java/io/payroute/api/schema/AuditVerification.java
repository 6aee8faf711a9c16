package io.payroute.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AuditVerification", description = "The audit log's hash chain walked from its start")
public record AuditVerification(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "true") boolean valid,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1042", description = "Rows checked") long checked,
        @Schema(example = "0", description = "Rows not linked into the chain yet") Long unchained,
        @JsonProperty("first_broken_position") @Schema(description = "Only when invalid") Long firstBrokenPosition,
        @JsonProperty("first_broken_seq") @Schema(description = "Only when invalid") Long firstBrokenSeq,
        @Schema(description = "Only when invalid", example = "previous hash does not match") String problem) {
}
