package io.payroute.api.schema;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "RedeliveryInput", description = "Optional: one endpoint only; without a body, every subscribed endpoint")
public record RedeliveryInput(
        @JsonProperty("endpoint_id") @Schema(example = "we_01m8a1k3x5v0q2r7s9t4w6y8z0") String endpointId) {
}
