package io.payroute.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "Replayed", description = "How many dead letters went back to the address they came from")
public record Replayed(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1") int replayed) {
}
