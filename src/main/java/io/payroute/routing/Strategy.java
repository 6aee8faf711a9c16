package io.payroute.routing;

import java.util.Arrays;
import java.util.Optional;

/** How the eligible providers are put in order (docs/routing.md#strategies). */
public enum Strategy {
    /** By expected net value: success rate per dimension, fee, latency, circuit; a share of traffic explores. */
    SMART,
    /** A fixed list first, then the others in configuration order. */
    PRIORITY,
    /** A weighted volume split (smooth weighted round robin), then the others by weight. */
    WEIGHTED,
    /** Each eligible provider in turn. */
    ROUND_ROBIN,
    /** Lowest fee for this charge first. */
    CHEAPEST,
    /** Lowest p95 latency first (providers without history last). */
    FASTEST;

    public String wire() {
        return name().toLowerCase();
    }

    public static Optional<Strategy> fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst();
    }
}
