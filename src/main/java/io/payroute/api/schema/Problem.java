package io.payroute.api.schema;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "Problem", description = "RFC 9457 problem details (application/problem+json)")
public record Problem(
        @Schema(example = "https://payroute.dev/problems/invalid_request") String type,
        @Schema(example = "Invalid request") String title,
        @Schema(example = "400") int status,
        @Schema(example = "amount: must be greater than 0") String detail,
        @Schema(example = "invalid_request") String code,
        List<FieldError> errors) {

    @Schema(name = "FieldError")
    public record FieldError(@Schema(example = "amount") String field, @Schema(example = "must be greater than 0") String message) {
    }
}
