package io.payroute.api.schema;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "AuditList", description = "The audit log, newest first")
public record AuditList(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = "list") String object, @Schema(requiredMode = Schema.RequiredMode.REQUIRED) List<Entry> data) {

    @Schema(name = "AuditEntry", description = "What happened, by whom and from where")
    public record Entry(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1042") long seq,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, format = "date-time") String at,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "admin", description = "An API key id, admin, system, or a broker user") String actor,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "127.0.0.1") String source,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "charge.succeeded") String action,
            @JsonProperty("object_type") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "charge") String objectType,
            @JsonProperty("object_id") @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, example = "ch_01m806s5ka7hfxjkfh8nname2d") String objectId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true) String details,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, nullable = true, description = "Hex SHA-256 in the hash chain; null until chained") String hash,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Linked into the hash chain yet") boolean chained) {
    }
}
