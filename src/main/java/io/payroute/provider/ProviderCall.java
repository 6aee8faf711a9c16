package io.payroute.provider;

/**
 * Which attempt a provider call is about (exchange property {@link #PROPERTY}): set by the charge flow for its
 * own attempts and by reconciliation for attempts it picks up later, so the provider routes need nothing else.
 *
 * @param merchantId        whose charge it is: the provider account (credentials) the call uses
 * @param reference         the reference PayRoute sent with the attempt
 * @param providerReference the provider's own id for it, once known
 */
public record ProviderCall(String chargeId, String merchantId, String provider, String reference, String providerReference) {

    public static final String PROPERTY = "providerCall";

    public ProviderCall withProviderReference(String id) {
        return id == null ? this : new ProviderCall(chargeId, merchantId, provider, reference, id);
    }
}
