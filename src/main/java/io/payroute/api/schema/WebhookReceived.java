package io.payroute.api.schema;

import io.swagger.v3.oas.annotations.media.Schema;

@Schema(name = "WebhookReceived", description = "The provider's webhook verified and queued: the provider may stop retrying")
public record WebhookReceived(@Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "true") boolean received) {
}
