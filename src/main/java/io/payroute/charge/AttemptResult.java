package io.payroute.charge;

/**
 * The canonical result of one provider call, as produced by a provider's response mapping
 * (mappings/&lt;provider&gt;/charge-response.jsonata) or by transport failure classification.
 *
 * @param status         the charge status this outcome implies (null for NOT_CHARGED/UNKNOWN)
 * @param code           unified failure or state code (insufficient_funds, connection_refused, ...)
 * @param category       who the failure reflects: customer, issuer, fraud, provider, validation, configuration
 * @param nextAction     for requires_action: what the customer must do, as canonical JSON {type, url?, message?}
 */
public record AttemptResult(
        Outcome outcome,
        ChargeStatus status,
        String providerReference,
        String code,
        String category,
        String message,
        Integer httpStatus,
        String responseExcerpt,
        String nextAction) {

    public static AttemptResult notCharged(String code, String message, Integer httpStatus, String excerpt) {
        return new AttemptResult(Outcome.NOT_CHARGED, null, null, code, "provider", message, httpStatus, excerpt, null);
    }

    public static AttemptResult unknown(String code, String message, Integer httpStatus, String excerpt) {
        return new AttemptResult(Outcome.UNKNOWN, null, null, code, "provider", message, httpStatus, excerpt, null);
    }

    public AttemptResult withProviderReferenceIfMissing(String reference) {
        return providerReference != null || reference == null ? this
                : new AttemptResult(outcome, status, reference, code, category, message, httpStatus, responseExcerpt,
                        nextAction);
    }
}
