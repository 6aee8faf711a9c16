package io.payroute.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * Smooth weighted round robin, as nginx balances upstreams: over any run of picks in one scope (a rule or a
 * merchant) each provider gets its weight's share, evenly spread rather than in bursts. Providers not eligible
 * for a charge sit that pick out. Per instance: a split is a share of traffic, not something to arbitrate.
 */
final class Rotation {

    private final Map<String, Map<String, Long>> current = new HashMap<>();

    /** The next provider of {@code scope} among these (provider → weight, in tie-break order). */
    synchronized String next(String scope, Map<String, Integer> weights) {
        Map<String, Long> credit = current.computeIfAbsent(scope, s -> new HashMap<>());
        long total = 0;
        String pick = null;
        for (Map.Entry<String, Integer> e : weights.entrySet()) {
            long c = credit.merge(e.getKey(), (long) e.getValue(), Long::sum);
            total += e.getValue();
            if (pick == null || c > credit.get(pick)) {
                pick = e.getKey();
            }
        }
        if (pick != null) {
            credit.merge(pick, -total, Long::sum);
        }
        return pick;
    }
}
