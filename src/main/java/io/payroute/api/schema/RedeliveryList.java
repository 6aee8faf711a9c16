package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "RedeliveryList", description = "The deliveries a redelivery created, one per endpoint")
public record RedeliveryList(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Redelivery> data) {

    @Schema(name = "Redelivery")
    public record Redelivery(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "whd_01m8a1k3x5v0q2r7s9t4w6y8z0") String id,
            @JsonProperty("endpoint_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "we_01m8a1k3x5v0q2r7s9t4w6y8z0") String endpointId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "pending") String status) {
    }
}
