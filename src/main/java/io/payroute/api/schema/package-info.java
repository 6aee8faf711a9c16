/**
 * The merchant API's wire shapes, for its OpenAPI document only (/v1/openapi.json): requests are parsed by
 * {@link io.payroute.api.ChargeRequestParser} and charges rendered by {@link io.payroute.charge.ChargeJson}.
 * OpenApiApiTest validates real responses against the document, so these cannot drift from what is sent.
 */
package io.payroute.api.schema;
