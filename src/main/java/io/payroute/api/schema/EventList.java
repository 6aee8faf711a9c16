package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "EventList", description = "Events, newest first")
public record EventList(
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object,
        @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Event> data,
        @JsonProperty("has_more") @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                description = "More events follow: ask again with starting_after = the last id") boolean hasMore) {
}
