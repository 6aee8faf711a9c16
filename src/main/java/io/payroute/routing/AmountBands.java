package io.payroute.routing;

import java.util.List;
import java.util.Map;

/** Puts an amount into its band ({@code payroute.routing.amount-bands}): "0-4999", "5000-49999", ..., "500000+". */
final class AmountBands {

    private final Map<String, List<Long>> bounds;

    AmountBands(Map<String, List<Long>> bounds) {
        bounds.forEach((currency, limits) -> {
            for (int i = 1; i < limits.size(); i++) {
                if (limits.get(i) <= limits.get(i - 1)) {
                    throw new IllegalStateException("payroute.routing.amount-bands." + currency + " must be increasing: " + limits);
                }
            }
        });
        if (!bounds.containsKey("default")) {
            throw new IllegalStateException("payroute.routing.amount-bands needs a default entry");
        }
        this.bounds = Map.copyOf(bounds);
    }

    String band(String currency, long amount) {
        List<Long> limits = bounds.getOrDefault(currency, bounds.get("default"));
        long lower = 0;
        for (long upper : limits) {
            if (amount < upper) {
                return lower + "-" + (upper - 1);
            }
            lower = upper;
        }
        return lower + "+";
    }
}
