package io.payroute.analytics;

import java.util.Arrays;
import java.util.Locale;

import io.payroute.api.ProblemException;

/** What charges are grouped by ({@code ?by=}): each is a plain column of the charges table. */
public enum Dimension {
    /** The provider that gave the charge its final answer. */
    PROVIDER("provider"),
    METHOD("method"),
    CURRENCY("currency"),
    /** The issuing bank of a card payment, by its BIN; provider tokens have none. */
    BANK("bank");

    private final String column;

    Dimension(String column) {
        this.column = column;
    }

    public String column() {
        return column;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Dimension parse(String by) {
        return Arrays.stream(values()).filter(d -> d.wire().equals(by == null ? "provider" : by)).findFirst()
                .orElseThrow(() -> ProblemException.invalid("by", "must be one of provider, method, currency, bank"));
    }
}
