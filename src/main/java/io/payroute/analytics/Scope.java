package io.payroute.analytics;

/** Whose charges an analytics query reads: one merchant's, or everybody's ({@code merchantId} null, admin only). */
public record Scope(String merchantId) {

    public static final Scope ALL = new Scope(null);

    public boolean isAll() {
        return merchantId == null;
    }
}
