package io.payroute.analytics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.payroute.api.ProblemException;

/**
 * A time window of the analytics API ({@code ?window=1h}): the charges created in [{@code from}, {@code to}), the
 * width of the buckets its time series are cut into (60 to 96 per window), and the unit SQL truncates times to
 * before they are folded into buckets ({@code DATE_TRUNC}, which H2 and PostgreSQL both have).
 */
public record Window(String name, Instant from, Instant to, Duration bucket, String truncation) {

    private record Size(String name, Duration length, Duration bucket, String truncation) {
    }

    private static final List<Size> SIZES = List.of(
            new Size("15m", Duration.ofMinutes(15), Duration.ofSeconds(15), "second"),
            new Size("1h", Duration.ofHours(1), Duration.ofMinutes(1), "minute"),
            new Size("6h", Duration.ofHours(6), Duration.ofMinutes(5), "minute"),
            new Size("24h", Duration.ofHours(24), Duration.ofMinutes(15), "minute"),
            new Size("7d", Duration.ofDays(7), Duration.ofHours(2), "hour"),
            new Size("30d", Duration.ofDays(30), Duration.ofHours(12), "hour"));

    /** The window {@code name} (15m, 1h, 6h, 24h, 7d or 30d; 24h when absent) ending at {@code now}. */
    public static Window parse(String name, Instant now) {
        String chosen = name == null ? "24h" : name;
        Size size = SIZES.stream().filter(s -> s.name().equals(chosen)).findFirst()
                .orElseThrow(() -> ProblemException.invalid("window",
                        "must be one of " + String.join(", ", SIZES.stream().map(Size::name).toList())));
        return new Window(size.name(), now.minus(size.length()), now, size.bucket(), size.truncation());
    }
}
