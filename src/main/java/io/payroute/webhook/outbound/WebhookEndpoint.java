package io.payroute.webhook.outbound;

import java.time.Instant;
import java.util.List;

/**
 * A merchant's webhook endpoint as stored. The secrets are sealed (never in clear outside signing).
 *
 * @param status {@code enabled}, {@code disabled} (kept, receives nothing) or {@code deleted}
 */
public record WebhookEndpoint(String id, String merchantId, String url, String description, List<String> enabledEvents,
                              String status, String sealedSecret, String sealedPreviousSecret,
                              Instant previousSecretExpiresAt, Instant createdAt, Instant updatedAt) {

    public static final String ENABLED = "enabled";
    public static final String DISABLED = "disabled";
    public static final String DELETED = "deleted";

    /** Whether an event of {@code type} goes to this endpoint: {@code *}, the exact type, or {@code <object>.*}. */
    public boolean subscribesTo(String type) {
        for (String pattern : enabledEvents) {
            if (pattern.equals("*") || pattern.equals(type)
                    || pattern.endsWith(".*") && type.startsWith(pattern.substring(0, pattern.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
