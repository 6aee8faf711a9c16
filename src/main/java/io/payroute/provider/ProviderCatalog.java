package io.payroute.provider;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.payroute.charge.ChargeRequest;
import io.payroute.charge.PaymentMethod;
import io.payroute.provider.ProviderProperties.Fee;
import io.payroute.provider.ProviderProperties.Limit;
import io.payroute.provider.ProviderProperties.Provider;
import org.springframework.stereotype.Component;

/** What each configured provider can take (methods, currencies, limits) and what it costs. */
@Component
public class ProviderCatalog {

    private final ProviderProperties properties;

    public ProviderCatalog(ProviderProperties properties) {
        this.properties = properties;
        validate(properties);
    }

    /** Refuses to start with a provider that could only fail: better a clear startup error than "Bearer null". */
    private static void validate(ProviderProperties properties) {
        List<String> problems = new java.util.ArrayList<>();
        properties.getProviders().forEach((name, p) -> {
            if (!p.isEnabled()) {
                return;
            }
            String prefix = "payroute.providers." + name + ".";
            if (p.getBaseUrl() == null || !p.getBaseUrl().matches("^https?://[^/?#]+(/[^?#]*)?$")) {
                problems.add(prefix + "base-url must be an http(s) URL without query (is " + p.getBaseUrl() + ")");
            }
            if (p.getSecretKey() == null || p.getSecretKey().isBlank()) {
                problems.add(prefix + "secret-key is required");
            }
            if (p.getCurrencies().isEmpty() || p.getMethods().isEmpty()) {
                problems.add(prefix + "currencies and methods must each name at least one value");
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid provider configuration: " + String.join("; ", problems));
        }
    }

    public List<String> names() {
        return properties.enabledNames();
    }

    public Provider provider(String name) {
        Provider provider = properties.getProviders().get(name);
        if (provider == null) {
            throw new IllegalArgumentException("no provider configured as " + name);
        }
        return provider;
    }

    /** Why the provider cannot take this charge, or empty when it can. */
    public Optional<String> ineligibility(String name, ChargeRequest request) {
        Provider p = provider(name);
        PaymentMethod method = request.paymentMethod();
        if (!p.getMethods().contains(method.type())) {
            return Optional.of("payment method " + method.type() + " not supported");
        }
        if (method instanceof PaymentMethod.Tokens tokens && !tokens.byProvider().containsKey(name)) {
            return Optional.of("no token for this provider");
        }
        if (!p.getCurrencies().contains(request.currency())) {
            return Optional.of("currency " + request.currency() + " not supported");
        }
        Limit limit = p.getLimits().get(request.currency());
        if (limit != null && (request.amount() < limit.getMin() || request.amount() > limit.getMax())) {
            return Optional.of("amount outside " + limit.getMin() + ".." + limit.getMax());
        }
        return Optional.empty();
    }

    /**
     * The provider's fee for this amount and payment method, in the charge currency's minor units (rounded up):
     * the method's fee for the currency, else its default, else the provider's fee for the currency, else its default.
     */
    public long fee(String name, String currency, String method, long amount) {
        Provider p = provider(name);
        Map<String, Fee> forMethod = p.getMethodFees().getOrDefault(method, Map.of());
        Fee fee = forMethod.getOrDefault(currency, forMethod.getOrDefault("default",
                p.getFees().getOrDefault(currency, p.getFees().get("default"))));
        if (fee == null) {
            return 0;
        }
        long total = BigDecimal.valueOf(amount).multiply(fee.getPercent())
                .divide(BigDecimal.valueOf(100), 0, RoundingMode.CEILING).longValueExact() + fee.getFixed();
        return fee.getCap() == null ? total : Math.min(total, fee.getCap());
    }
}
