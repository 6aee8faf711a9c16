package io.payroute.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "ApiKeyInput", description = "Optional")
public record ApiKeyInput(@Schema(maxLength = 200, example = "checkout servers") String description) {
}
