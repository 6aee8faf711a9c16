package io.payroute.routing;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A charge as success rates are kept: the values of its dimensions, null where not known (a token payment has
 * no card network; a BIN outside the bank table has no bank). Recorded in the routing decision.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Dimensions(String method, String currency, String network, String bank,
                         @JsonProperty("amount_band") String amountBand) {

    /** The dimension names levels are written with (payroute.routing.levels). */
    public static final List<String> NAMES = List.of("method", "currency", "network", "bank", "amount_band");

    String value(int index) {
        return switch (index) {
            case 0 -> method;
            case 1 -> currency;
            case 2 -> network;
            case 3 -> bank;
            case 4 -> amountBand;
            default -> throw new IndexOutOfBoundsException(index);
        };
    }
}
