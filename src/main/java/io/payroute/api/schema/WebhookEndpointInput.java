package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "WebhookEndpointInput", description = "Create: url and enabled_events required. Update: any of them, and disabled")
public record WebhookEndpointInput(
        @Schema(example = "https://shop.example.com/payroute") String url,
        @JsonProperty("enabled_events") @Schema(example = "[\"charge.succeeded\"]") List<String> enabledEvents,
        @Schema(maxLength = 500, example = "Order updates") String description,
        @Schema(description = "Update only: true stops deliveries, false resumes them") Boolean disabled) {
}
