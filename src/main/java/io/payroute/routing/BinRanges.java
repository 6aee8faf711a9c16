package io.payroute.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Ranges of card BINs as the rules file writes them: a prefix of 1 to 6 digits ("4", "539983") or a range of two
 * ("506099-506198"), compared on the first six digits of the card number.
 */
final class BinRanges<T> {

    private record Range<T>(int low, int high, String written, T value) {
    }

    private final List<Range<T>> ranges = new ArrayList<>();

    /** Why {@code written} is not a BIN prefix or range, or empty when it is one. */
    static Optional<String> invalid(String written) {
        String[] ends = written.split("-", -1);
        if (ends.length > 2 || !java.util.Arrays.stream(ends).allMatch(e -> e.matches("[0-9]{1,6}"))) {
            return Optional.of("'" + written + "' is not a BIN prefix (1 to 6 digits) or range (prefix-prefix)");
        }
        if (ends.length == 2 && low(ends[0]) > high(ends[1])) {
            return Optional.of("BIN range '" + written + "' ends before it starts");
        }
        return Optional.empty();
    }

    /** Adds a range (valid per {@link #invalid}); returns the range it overlaps, if any, which it then does not add. */
    Optional<String> add(String written, T value) {
        String[] ends = written.split("-");
        Range<T> range = new Range<>(low(ends[0]), high(ends[ends.length - 1]), written, value);
        for (Range<T> other : ranges) {
            if (range.low <= other.high && other.low <= range.high) {
                return Optional.of(other.written);
            }
        }
        ranges.add(range);
        ranges.sort(Comparator.comparingInt(Range::low));
        return Optional.empty();
    }

    /** The value of the range holding the card's BIN (its first six digits), or null. */
    T find(String bin) {
        if (bin == null || ranges.isEmpty()) {
            return null;
        }
        int number = Integer.parseInt(bin.substring(0, 6));
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Range<T> r = ranges.get(mid);
            if (number < r.low) {
                hi = mid - 1;
            } else if (number > r.high) {
                lo = mid + 1;
            } else {
                return r.value;
            }
        }
        return null;
    }

    private static int low(String prefix) {
        return Integer.parseInt((prefix + "000000").substring(0, 6));
    }

    private static int high(String prefix) {
        return Integer.parseInt((prefix + "999999").substring(0, 6));
    }
}
